using Microsoft.Extensions.Options;

namespace Orchestrator.Engine;

/// <summary>
/// Options made before the host (Program binds them to migrate first; tests build them): the instance itself, checked by
/// the registered validators when first read, so <c>ValidateOnStart</c> stops the host's start on options that cannot work.
/// </summary>
internal sealed class GivenOptionsFactory<TOptions>(TOptions options, IEnumerable<IValidateOptions<TOptions>> validators) : IOptionsFactory<TOptions>
    where TOptions : class
{
    public TOptions Create(string name)
    {
        var failures = validators.Select(v => v.Validate(name, options)).Where(r => r.Failed).SelectMany(r => r.Failures ?? [r.FailureMessage ?? "invalid"]).ToList();
        return failures.Count == 0 ? options : throw new OptionsValidationException(name, typeof(TOptions), failures);
    }
}
