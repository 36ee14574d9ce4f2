using Microsoft.AspNetCore.Authentication;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Triggers;

namespace Orchestrator.Engine.Api;

/// <summary>The triggers API of DESIGN.md: <c>/api/v1/triggers</c> and the webhook entry <c>POST /api/v1/events</c> (docs/triggers.md).</summary>
internal static class TriggerEndpoints
{
    public const string Tag = "Triggers";

    /// <summary>The endpoint name (operationId) of <c>POST /api/v1/events</c>.</summary>
    public const string PostEventName = "PostEvent";

    public static void MapTriggerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/triggers").WithTags(Tag).RequireAuthorization(ApiKeyAuthentication.Policy).AddEndpointFilter(ProblemFilter);
        api.ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/", CreateAsync).WithName("CreateTrigger")
            .WithSummary("Create a trigger")
            .WithDescription("Binds events (CloudEvents of a type, or MassTransit messages of a type) to an action: start a workflow, signal one, or signal-with-start. "
                + "The workflow id is a template over the event (`order-{data.orderId}`). An event (by `source` and `id`) acts at most once per trigger. 409 when the id exists.")
            .Accepts<TriggerDefinition>("application/json").Produces<CreateTriggerResponse>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413);
        api.MapGet("/", ListAsync).WithName("ListTriggers")
            .WithSummary("List triggers")
            .WithDescription("Triggers by id with their stats, one page at a time; pass `nextPageToken` as `pageToken` for the next page.")
            .Produces<TriggerListPage>().ProducesProblem(400);
        api.MapGet("/{triggerId}", DescribeAsync).WithName("DescribeTrigger")
            .WithSummary("Describe a trigger")
            .WithDescription("The trigger (defaults filled in) and its stats: events delivered, deduplicated and dead-lettered, and the last error.")
            .Produces<TriggerDescription>().ProducesProblem(404);
        api.MapPut("/{triggerId}", UpdateAsync).WithName("UpdateTrigger")
            .WithSummary("Replace a trigger")
            .WithDescription("Replaces source, action and webhook; its stats and the events it took (for deduplication) are kept.")
            .Accepts<TriggerDefinition>("application/json").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413);
        api.MapDelete("/{triggerId}", DeleteAsync).WithName("DeleteTrigger")
            .WithSummary("Delete a trigger")
            .WithDescription("Deletes the trigger; the workflows it started keep running.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(404);

        // Anonymous at the router: a webhook sender (a SaaS) often cannot send the API key, so a request without it is let
        // in only when every trigger it matches requires a signature and the signature verifies (PostEventAsync).
        app.MapPost("/api/v1/events", PostEventAsync).WithTags(Tag).AllowAnonymous().AddEndpointFilter(ProblemFilter).WithName(PostEventName)
            .WithSummary("Deliver a CloudEvent over HTTP (webhook)")
            .WithDescription("Takes a CloudEvent, structured (`Content-Type: application/cloudevents+json`) or binary (`ce-*` headers, the body as its data), "
                + "and acts on it with every `cloudevents` trigger of its type (and source). A trigger with `webhook.secretRef` requires "
                + "`X-Orchestrator-Signature: sha256=<hex HMAC-SHA256 of the body>`; a missing or wrong signature gets 401 and nothing happens. "
                + "Without the API key, the signature is the only credential: an event that matches a trigger without a webhook secret needs the key. "
                + "202 with what the event did per trigger; 422 when no trigger matches.")
            .Produces<EventAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(413).ProducesProblem(422);
    }

    private static async ValueTask<object?> ProblemFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (BodyException e)
        {
            return e.Problem;
        }
    }

    /// <summary>How long a change of a MassTransit trigger waits for the events queue's bindings before it answers.</summary>
    private static readonly TimeSpan BindingWait = TimeSpan.FromSeconds(5);

    private static async Task<IResult> CreateAsync(HttpRequest request, TriggerService triggers, BrokerEventSource broker, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<TriggerDefinition>(request, ct);
        if (TriggerValidator.Validate(body, null, out var error) is not { } valid)
        {
            return Problems.BadRequest(error!);
        }
        if (!await triggers.CreateAsync(valid))
        {
            return Problems.Conflict($"A trigger with id '{valid.TriggerId}' exists.");
        }
        if (valid.Source.Kind == ValidTrigger.Kinds.MassTransit)
        {
            // bound before the answer: a message published after the 201 reaches the trigger
            await broker.RefreshBindingsAsync(BindingWait);
        }
        return Results.Created($"/api/v1/triggers/{Uri.EscapeDataString(valid.TriggerId)}", new CreateTriggerResponse(valid.TriggerId));
    }

    /// <summary>After an update or delete: binds a new message type, unbinds one no trigger takes any more.</summary>
    private static Task RebindAsync(BrokerEventSource broker, ValidTrigger? changed) =>
        changed?.Source.Kind == ValidTrigger.Kinds.MassTransit || broker.BoundExchanges > 0 ? broker.RefreshBindingsAsync(BindingWait) : Task.CompletedTask;

    private static async Task<IResult> ListAsync(int? pageSize, string? pageToken, TriggerService triggers, CancellationToken ct)
    {
        var size = pageSize ?? ApiLimits.DefaultListPageSize;
        if (size < 1 || size > ApiLimits.MaxListPageSize)
        {
            return Problems.BadRequest($"'pageSize' must be between 1 and {ApiLimits.MaxListPageSize}.");
        }
        string? after = null;
        if (pageToken is not null && !IdPageToken.TryDecode('t', pageToken, out after))
        {
            return Problems.BadRequest("'pageToken' is not a token this API gave.");
        }
        var page = await triggers.ListAsync(after, size, ct);
        return Results.Ok(page with { NextPageToken = page.NextPageToken is { } last ? IdPageToken.Encode('t', last) : null });
    }

    private static async Task<IResult> DescribeAsync(string triggerId, TriggerService triggers, CancellationToken ct) =>
        await triggers.DescribeAsync(triggerId, ct) is { } description ? Results.Ok(description) : NotFound(triggerId);

    private static async Task<IResult> UpdateAsync(string triggerId, HttpRequest request, TriggerService triggers, BrokerEventSource broker, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync<TriggerDefinition>(request, ct);
        if (TriggerValidator.Validate(body, triggerId, out var error) is not { } valid)
        {
            return Problems.BadRequest(error!);
        }
        if (!await triggers.UpdateAsync(valid))
        {
            return NotFound(triggerId);
        }
        await RebindAsync(broker, valid);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(string triggerId, TriggerService triggers, BrokerEventSource broker)
    {
        if (!await triggers.DeleteAsync(triggerId))
        {
            return NotFound(triggerId);
        }
        await RebindAsync(broker, null);
        return Results.NoContent();
    }

    private static async Task<IResult> PostEventAsync(HttpContext context, TriggerService triggers, EngineOptions options, ILogger<TriggerService> logger,
        CancellationToken ct)
    {
        var keyed = !options.RequiresApiKey || (await context.AuthenticateAsync(ApiKeyAuthentication.Scheme)).Succeeded;
        var body = await RequestBodies.ReadBytesAsync(context.Request, ct);
        if (HttpCloudEvents.Read(context.Request, body, out var error) is not { } e)
        {
            return keyed ? Problems.BadRequest(error!) : NoKey(logger, "no API key, and the request is not a CloudEvent");
        }
        var matched = await triggers.MatchAsync(ValidTrigger.Kinds.CloudEvents, e, ct);
        if (!keyed && (matched.Count == 0 || matched.Any(t => t.Webhook is null)))
        {
            // without the key only a signature lets an event in, and only to triggers that ask for one; say nothing of which exist
            return NoKey(logger, $"no API key, and event type '{e.Type}' matches a trigger without a webhook secret, or none");
        }
        var signature = context.Request.Headers[WebhookSecrets.SignatureHeader].ToString();
        foreach (var trigger in matched.Where(t => t.Webhook is not null))
        {
            if (WebhookSecrets.Read(trigger.Webhook!.SecretRef) is not { } secret)
            {
                Log.TriggerWebhookSecretUnreadable(logger, trigger.TriggerId);
                return BadSignature(logger, $"the secret of trigger '{trigger.TriggerId}' cannot be read, so no signature can be checked");
            }
            if (!WebhookSecrets.Verify(secret, body, signature.Length == 0 ? null : signature))
            {
                return BadSignature(logger, $"a missing or wrong {WebhookSecrets.SignatureHeader} for trigger '{trigger.TriggerId}'");
            }
        }
        if (matched.Count == 0)
        {
            return Results.Problem($"No trigger takes CloudEvents of type '{e.Type}' from source '{e.Source}'; nothing was done.", statusCode: 422,
                title: "No trigger matches");
        }
        var deliveries = new List<EventDelivery>(matched.Count);
        foreach (var trigger in matched)
        {
            deliveries.Add(await triggers.DeliverAsync(trigger, e));
        }
        return Results.Json(new EventAccepted(matched.Select(t => t.TriggerId).ToList(), deliveries), statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>401 as the rest of the API answers it without the key (the scheme's challenge: problem+json, WWW-Authenticate).</summary>
    private static IResult NoKey(ILogger logger, string reason)
    {
        Log.TriggerWebhookRefused(logger, reason);
        return Results.Challenge(authenticationSchemes: [ApiKeyAuthentication.Scheme]);
    }

    /// <summary>401 for a signature that does not verify; which trigger, or why, is only logged.</summary>
    private static IResult BadSignature(ILogger logger, string reason)
    {
        Log.TriggerWebhookRefused(logger, reason);
        return Results.Problem($"The {WebhookSecrets.SignatureHeader} header is missing or is not 'sha256=' and the hex HMAC-SHA256 of the body with the "
            + "trigger's webhook secret; nothing was done.", statusCode: 401, title: "Unauthorized");
    }

    private static IResult NotFound(string triggerId) => Problems.NotFound($"No trigger '{triggerId}'.");
}
