"""The OAuth2 authorization server: clients, consent, codes and tokens (the sign-in of the
Tyme face), and the grants a person gave."""
