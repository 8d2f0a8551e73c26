using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Contracts;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// An agent's transport without the agent: Kestrel on 127.0.0.1 with the agent's certificate setup (one self-signed
/// certificate, HTTP/1.1 and HTTP/2 offered by ALPN) and its JSON, counting the connections it accepts. A test maps the
/// agent routes it needs, then starts it.
/// </summary>
public static class TlsAgentStub
{
    public static WebApplication Build(X509Certificate2 certificate, Action connected)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<JsonOptions>(o => ContractJson.Configure(o.SerializerOptions));
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Use(next => connection =>
            {
                connected();
                return next(connection);
            });
            listen.UseHttps(certificate);
        }));
        return builder.Build();
    }
}
