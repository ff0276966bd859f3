from server.launch import main

main()
