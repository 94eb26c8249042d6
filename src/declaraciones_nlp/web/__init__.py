"""The web dashboard: `declaraciones serve`. See `app.create_app`."""
