using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Contracts;

/// <summary>The JSON conventions of every Vigil API: camelCase names, enums as snake_case strings.</summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies Vigil's conventions to options owned by a host (ASP.NET Core's, say).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }
}
