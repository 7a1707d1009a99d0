"""Policy engines: one protocol (``base.Engine``), one module per engine."""
