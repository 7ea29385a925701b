from lintas.cli import main

main()
