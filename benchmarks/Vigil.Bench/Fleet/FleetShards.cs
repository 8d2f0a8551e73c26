using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Contracts.Cms;
using Vigil.Hosting;
using Vigil.Testing;

namespace Vigil.Bench.Fleet;

/// <summary>
/// The fleet of virtual agents, run as <see cref="FleetShard"/> processes of at most <see cref="ServersPerShard"/>
/// servers each, all presenting one self-signed certificate. The bench reads and steers them through each shard's
/// control port. Disposing ends every shard, even after a failure.
/// </summary>
public sealed class FleetShards : IAsyncDisposable
{
    public const string CertificateName = "vigil-fleet";

    /// <summary>
    /// Open files a virtual server costs its shard: its listening socket and the CMS's monitor connection to it (a
    /// second, HTTP/2 connection only while the CMS gives it commands).
    /// </summary>
    public const int FilesPerServer = 2;

    public const ulong ReservedFiles = 1024;

    /// <summary>Far below one process's open-file limit here (20 000), and small enough that shards share the cores.</summary>
    public const int ServersPerShard = 4000;

    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);

    private readonly string _folder;
    private readonly List<Shard> _shards = [];
    private readonly HttpClient _control = new() { Timeout = TimeSpan.FromSeconds(30) };

    private FleetShards(string folder, IReadOnlyList<FleetMember> servers, string fingerprint)
    {
        _folder = folder;
        Servers = servers;
        Fingerprint = fingerprint;
    }

    /// <summary>Recording servers first, then standbys; a member's <see cref="FleetMember.Index"/> is its place here.</summary>
    public IReadOnlyList<FleetMember> Servers { get; }

    public IEnumerable<FleetMember> Recording => Servers.Where(s => s.Role == VirtualRole.Recording);

    public IEnumerable<FleetMember> Standbys => Servers.Where(s => s.Role == VirtualRole.Standby);

    /// <summary>The certificate every virtual server presents: what the operator trusts when adding them.</summary>
    public string Fingerprint { get; }

    public IReadOnlyList<int> ProcessIds => _shards.Select(s => s.Process.Id).ToList();

    public static ServerAddress AddressOf(FleetMember server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new ServerAddress("127.0.0.1", server.Port, Https: true);
    }

    /// <summary>
    /// How many servers one CMS started by this process can hold, after raising the open-file limit as far as allowed (the
    /// CMS inherits it): one connection per server, and the rest of the CMS's files; and that limit.
    /// </summary>
    public static (int Servers, ulong OpenFiles) CmsCapacity(int wanted)
    {
        var openFiles = OpenFileLimit.Raise((ulong)wanted + ReservedFiles) ?? ulong.MaxValue;
        return ((int)Math.Min(int.MaxValue, openFiles - Math.Min(openFiles, ReservedFiles)), openFiles);
    }

    public static async Task<FleetShards> StartAsync(int recording, int standby, CancellationToken cancellationToken)
    {
        var count = recording + standby;
        var firstPort = LoopbackPorts.FindConsecutive(count);
        var servers = Enumerable.Range(0, count)
            .Select(i => i < recording ? FleetMember.Recording(i, i + 1, firstPort + i) : FleetMember.Standby(i, i - recording + 1, firstPort + i))
            .ToList();
        var folder = Directory.CreateTempSubdirectory("vigil-bench-fleet-").FullName;
        string fingerprint;
        using (var certificate = SelfSignedCertificate.LoadOrCreate(folder, CertificateName, TimeProvider.System))
        {
            fingerprint = SelfSignedCertificate.Fingerprint(certificate);
        }

        var fleet = new FleetShards(folder, servers, fingerprint);
        try
        {
            for (var first = 0; first < count; first += ServersPerShard)
            {
                fleet._shards.Add(await Shard.StartAsync(folder, first, servers.Skip(first).Take(ServersPerShard).ToList(), cancellationToken));
            }

            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>Health probes each server has answered so far, by <see cref="FleetMember.Index"/>.</summary>
    public async Task<long[]> ProbesAsync(CancellationToken cancellationToken)
    {
        var parts = await Task.WhenAll(_shards.Select(s => _control.GetFromJsonAsync<long[]>(new Uri(s.Control, "probes"), cancellationToken)));
        return parts.SelectMany(p => p!).ToArray();
    }

    /// <summary>Every takeover PUT any server accepted.</summary>
    public async Task<IReadOnlyList<TakeoverAccepted>> TakeoversAsync(CancellationToken cancellationToken)
    {
        var parts = await Task.WhenAll(_shards.Select(s => _control.GetFromJsonAsync<List<TakeoverAccepted>>(new Uri(s.Control, "takeovers"), cancellationToken)));
        return parts.SelectMany(p => p!).ToList();
    }

    /// <summary>From now on these servers look like agents whose process is gone (<see cref="VirtualServer.IsAlive"/>).</summary>
    public Task KillAsync(IEnumerable<FleetMember> servers, CancellationToken cancellationToken) => SteerAsync("kill", servers, cancellationToken);

    public Task ReviveAsync(IEnumerable<FleetMember> servers, CancellationToken cancellationToken) => SteerAsync("revive", servers, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var shard in _shards)
        {
            await shard.DisposeAsync();
        }

        _control.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private Task SteerAsync(string verb, IEnumerable<FleetMember> servers, CancellationToken cancellationToken) =>
        Task.WhenAll(servers.GroupBy(s => s.Index / ServersPerShard).Select(async group =>
        {
            var shard = _shards[group.Key];
            using var response = await _control.PostAsJsonAsync(new Uri(shard.Control, verb), group.Select(s => s.Index - shard.First).ToArray(), cancellationToken);
            response.EnsureSuccessStatusCode();
        }));

    private sealed class Shard(Process process, int first, Uri control) : IAsyncDisposable
    {
        public Process Process { get; } = process;

        public int First { get; } = first;

        public Uri Control { get; } = control;

        public static async Task<Shard> StartAsync(string folder, int first, List<FleetMember> members, CancellationToken cancellationToken)
        {
            var plan = Path.Combine(folder, $"shard-{first}.json");
            await File.WriteAllTextAsync(plan, JsonSerializer.Serialize(members), cancellationToken);
            var start = new ProcessStartInfo(Environment.ProcessPath!)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { typeof(FleetShards).Assembly.Location, FleetShard.Command, plan, folder })
            {
                start.ArgumentList.Add(argument);
            }

            VigilProcess.WithoutDiagnosticPorts(start);
            var process = Process.Start(start) ?? throw new InvalidOperationException("The fleet shard did not start.");
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(StartDeadline);
                while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
                {
                    if (line.StartsWith(FleetShard.ReadyPrefix, StringComparison.Ordinal))
                    {
                        var url = line[FleetShard.ReadyPrefix.Length..].TrimEnd('/') + "/";
                        return new Shard(process, first, new Uri(url));
                    }
                }

                throw new InvalidOperationException($"The fleet shard of servers {first}–{first + members.Count - 1} ended before it was ready (exit {process.ExitCode}).");
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            // Closing its input ends it; one that does not end in time is killed.
            Process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await Process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync(CancellationToken.None);
            }

            Process.Dispose();
        }
    }
}
