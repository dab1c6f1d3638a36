"""The console's pages, one module per set-up step; `plotboard.api.routes.console` mounts them."""
