from avr.fastpath import main

main()
