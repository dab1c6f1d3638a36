"""The console's pages, one module per set-up step; `plotboard.console.routes` mounts them."""
