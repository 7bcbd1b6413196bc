"""`python -m innobridge.cli …` runs the same app as the `innobridge` console script."""

from innobridge.cli.main import main

main()
