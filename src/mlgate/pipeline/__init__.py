"""The pipelines that decide: ``check`` and ``replay``, each straight down the layers."""
