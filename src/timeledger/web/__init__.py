"""The people's web app at `/`: server-rendered pages over the same services as the API."""
