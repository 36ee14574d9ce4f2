var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/ready", () => Results.Ok());
await app.RunAsync();
