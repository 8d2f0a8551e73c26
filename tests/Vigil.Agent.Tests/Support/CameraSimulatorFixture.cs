using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Support;

/// <summary>A real <c>vigil camsim</c> with eight cameras, shared by the <see cref="CameraSimulatorGroup"/>.</summary>
public sealed class CameraSimulatorFixture : IAsyncLifetime
{
    private VigilProcess? _camsim;

    public HttpClient Http { get; } = new();

    public Uri BaseUrl => _camsim!.BaseUrl;

    /// <summary>Frame timestamps are seconds since this instant.</summary>
    public DateTimeOffset TimestampEpoch { get; private set; }

    public string CameraUrl(int number) => new Uri(BaseUrl, $"cam/{number}").ToString();

    public async Task InitializeAsync()
    {
        _camsim = await VigilProcess.StartAsync(["camsim", "--urls", "http://127.0.0.1:0", "--cameras", "8"]);
        var cams = await Http.GetFromJsonAsync<JsonElement>(new Uri(BaseUrl, "cams"));
        TimestampEpoch = cams.GetProperty("timestampEpoch").GetDateTimeOffset();
        await Eventually.UntilAsync(async () =>
        {
            var state = await Http.GetFromJsonAsync<JsonElement>(new Uri(BaseUrl, "cams"));
            return state.GetProperty("cameras").EnumerateArray().All(c => c.GetProperty("live").GetBoolean());
        }, TimeSpan.FromSeconds(20), "every simulated camera to be live");
    }

    public async Task SetDarkAsync(int camera, bool dark)
    {
        using var response = await Http.PostAsync(new Uri(BaseUrl, $"cam/{camera}/{(dark ? "dark" : "light")}"), null);
        response.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_camsim is not null)
        {
            await _camsim.DisposeAsync();
        }
    }
}

/// <summary>
/// The test classes that record the simulator's cameras share one simulator (eight live ffmpeg encoders) and run one
/// after another: two such classes at once on two cores would disturb the segment timing they measure.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CameraSimulatorGroup : ICollectionFixture<CameraSimulatorFixture>
{
    public const string Name = "the camera simulator";
}
