"""The desk's day (`/desk/today/`): what the desk of the caller's hubs has on today, on one page. The apps
contribute their sections through the registry hook `desk_day`; this package imports no app."""
