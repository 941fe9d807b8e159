"""The GoodTime REST v2.1 face at /compat/goodtime/api."""
