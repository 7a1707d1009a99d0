"""Policy bundles: loading (directory, tar.gz), the bundle model, digests."""
