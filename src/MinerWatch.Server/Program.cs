using MinerWatch.Server;

var builder = WebApplication.CreateBuilder(args);
ServerApp.AddServices(builder);
var app = builder.Build();
ServerApp.MapEndpoints(app);
await app.RunAsync();

/// <summary>The server's entry point, named for the integration tests' WebApplicationFactory.</summary>
public partial class Program;
