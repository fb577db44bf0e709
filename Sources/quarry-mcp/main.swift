import QuarryMCP

// The MCP server's process, started by `quarry mcp` (which checks the arguments and the database first).
MCPServer.main()
