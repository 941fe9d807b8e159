"""Compatibility faces: other products' public APIs served over the same domain services.

A face only translates: it parses the vendor's request, calls the services the native API
calls, and renders the vendor's response. Rules, permissions and SQL stay in the domains.
"""
