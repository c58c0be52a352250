from faults.cli import main

main()
