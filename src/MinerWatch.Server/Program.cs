using MinerWatch.Server;

await ServerHost.Create(args).RunAsync();

/// <summary>The server's entry point, named for the integration tests' WebApplicationFactory.</summary>
public partial class Program;
