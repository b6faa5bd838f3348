from reader.launch import main

main()
