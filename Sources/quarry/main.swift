QuarryCommand.main()
