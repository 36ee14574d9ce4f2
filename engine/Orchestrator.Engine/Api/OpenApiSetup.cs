using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Orchestrator.Engine.Api;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>, Microsoft.AspNetCore.OpenApi) and its browsable reference at
/// <c>/docs</c> (Scalar, its JavaScript served from the Scalar.AspNetCore assembly: no CDN, no fonts or telemetry from
/// outside). A copy of the document is kept in <c>docs/openapi.json</c> (a test checks it is current) and linted with
/// Redocly CLI (<c>scripts/openapi-lint.sh</c>).
/// </summary>
internal static class OpenApiSetup
{
    /// <summary>The document's name in its path.</summary>
    public const string DocumentName = "v1";

    /// <summary>The security scheme's name in the document.</summary>
    public const string SecuritySchemeName = ApiKeyAuthentication.Scheme;

    /// <summary>The webhook signature, the other credential of <c>POST /api/v1/events</c>.</summary>
    public const string WebhookSchemeName = "WebhookSignature";

    /// <summary>Where the reference is.</summary>
    public const string ReferencePath = "/docs";

    public static IServiceCollection AddEngineOpenApi(this IServiceCollection services)
    {
        // The JSON of responses and of the document's schemas: web defaults, but numbers are numbers. Web defaults read
        // numbers from strings too, which the schema generator shows as `integer | string` with a pattern; the engine
        // writes numbers (that option never changes what is written), and reads request bodies with its own options
        // (RequestBodies), so this changes no answer and no accepted request.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddOpenApi(DocumentName, o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Orchestrator engine REST API",
                    Version = DocumentName,
                    Description = "Start, signal, cancel, terminate, describe and list durable workflows, read their histories and wait "
                        + "for their results. Errors are RFC 7807 problem details (application/problem+json). When the engine has "
                        + $"Orchestrator:ApiKey set, every operation needs header {ApiKeyAuthentication.Header} with that key.",
                    License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
                };
                foreach (var server in document.Servers ?? [])
                {
                    server.Url = server.Url?.TrimEnd('/');
                }
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthentication.Header,
                    Description = "The engine's Orchestrator:ApiKey (needed only when the engine has one).",
                };
                document.Components.SecuritySchemes[WebhookSchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = Triggers.WebhookSecrets.SignatureHeader,
                    Description = "`sha256=<hex HMAC-SHA256 of the body>` with the webhook secret of every trigger the event matches (POST /api/v1/events only; instead of the API key).",
                };
                document.Tags = new HashSet<OpenApiTag>
                {
                    new() { Name = WorkflowEndpoints.Tag, Description = "Workflow runs: start, signal, cancel, terminate, describe, list, history, result." },
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == TriggerEndpoints.PostEventName))
                {
                    // the key, or (without it) the webhook signature
                    operation.Security =
                    [
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [] },
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(WebhookSchemeName, context.Document)] = [] },
                    ];
                }
                else if (metadata.OfType<IAuthorizeData>().Any())
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [] }];
                }
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>Maps the document and the reference. Both are anonymous: they describe the API, which needs the key.</summary>
    public static void MapEngineOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, o => o
                .WithTitle("Orchestrator engine REST API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddDocument(DocumentName)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools() // its toolbar offers scalar.com services (share, generate SDK, deploy)
                .AddPreferredSecuritySchemes(SecuritySchemeName))
            .AllowAnonymous();
    }
}
