using Vigil.Testing.Updates;

namespace Vigil.Agent.Tests.Updates;

/// <summary>
/// Made once for the update tests: a build of vigil 0.1.1 (cached in artifacts/update-builds), a publisher key, a
/// signed package of it, and a package that claims 0.1.2 but holds that same 0.1.1 program.
/// </summary>
public sealed class AgentUpdateFixture : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vigil-update-fixture-").FullName;

    public UpdateSigningKey Key { get; private set; } = null!;

    public string Package { get; private set; } = null!;

    public string MislabelledPackage { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Key = UpdateSigningKey.Create(Path.Combine(_folder, "keys"));
        var program = await UpdateBuilds.ProgramAsync("0.1.1");
        Package = Path.Combine(_folder, "vigil-update_0.1.1.vup");
        MislabelledPackage = Path.Combine(_folder, "vigil-update_0.1.2.vup");
        await Task.WhenAll(
            UpdateBuilds.PackageAsync(program, "0.1.1", Key, Package, oldestFrom: "0.1.0"),
            UpdateBuilds.PackageAsync(program, "0.1.2", Key, MislabelledPackage, oldestFrom: "0.1.0"));
    }

    public Task DisposeAsync()
    {
        Key.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
