from plotboard.cli import main

main()
