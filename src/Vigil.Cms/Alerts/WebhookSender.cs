using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Vigil.Contracts;

namespace Vigil.Cms.Alerts;

/// <summary>
/// POSTs an alert to a webhook: the JSON body, signed (<see cref="WebhookSignature"/>), with the delivery's id and
/// kind in headers. Redirects are not followed: a signed alert goes only where the operator said. Success is a 2xx.
/// </summary>
internal sealed class WebhookSender(TimeProvider time) : IDisposable
{
    public const string DeliveryHeader = "X-Vigil-Delivery";
    public const string KindHeader = "X-Vigil-Event";

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout,
    };

    /// <summary>Sends once; answers whether it was delivered and what the receiver said.</summary>
    public async Task<(bool Delivered, string Result)> SendAsync(Uri url, string secret, long deliveryId, string kind, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secret, time.GetUtcNow(), body));
        request.Headers.Add(DeliveryHeader, deliveryId.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(KindHeader, kind);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Vigil-CMS", VigilVersion.Current.ToString()));
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var said = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
            return (response.IsSuccessStatusCode, said);
        }
        catch (HttpRequestException e)
        {
            return (false, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {Timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => _http.Dispose();
}
