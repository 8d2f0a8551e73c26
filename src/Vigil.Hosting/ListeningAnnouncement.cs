using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;

namespace Vigil.Hosting;

/// <summary>
/// Prints "&lt;role&gt; listening on &lt;url&gt;" on standard output once the server is bound, so people and
/// tests learn the real address (a port of 0 lets the operating system choose one).
/// </summary>
public sealed class ListeningAnnouncement(IServer server, IHostApplicationLifetime lifetime, string role) : IHostedService
{
    public const string Marker = " listening on ";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                Console.Out.WriteLine($"{role}{Marker}{address}");
            }

            Console.Out.Flush();
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
