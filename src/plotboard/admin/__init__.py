"""Admin use cases: what an admin can set up, one module per concept.

Each function owns its transaction, its audit record and the caches it must invalidate, so the
admin REST API (`api/routes/admin_*`), the console (`console/pages/*`) and the CLI call the same
code and never each other's handlers. They sit above `auth`, `sources`, `catalog` and `access`,
and below `api`, `console` and `cli`.
"""
