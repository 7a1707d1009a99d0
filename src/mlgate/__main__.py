"""``python -m mlgate``: the same command as ``mlgate``."""

from mlgate.cli.main import run

if __name__ == "__main__":
    run()
