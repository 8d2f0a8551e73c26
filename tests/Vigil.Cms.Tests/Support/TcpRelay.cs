using System.Net;
using System.Net.Sockets;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server (PostgreSQL here), which a test can cut as a network partition
/// does: <see cref="Blackhole"/> stops carrying bytes both ways without closing anything, so the client's connections
/// hang rather than fail, and new connections are accepted and left silent.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _blackholed;

    public TcpRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>From now on nothing passes: bytes already sent are held, connections stay open and silent.</summary>
    public void Blackhole() => _blackholed = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }
        }

        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            lock (_open)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            Relay(inbound, outbound);
        }
    }

    private void Relay(TcpClient inbound, TcpClient outbound)
    {
        try
        {
            outbound.Connect(_target);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            inbound.Dispose();
            return;
        }

        Pump(inbound.GetStream(), outbound.GetStream());
        Pump(outbound.GetStream(), inbound.GetStream());
    }

    /// <summary>
    /// Copies on a thread of its own with blocking reads and writes: the relay stands for a network, which keeps carrying
    /// bytes while this test process's thread pool is busy. Carried on the pool, a renewal of the leader's lease queued
    /// behind the process's other work could come back past its term and end a leadership no test had cut.
    /// </summary>
    private void Pump(Stream from, Stream to)
    {
        var thread = new Thread(() =>
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = from.Read(buffer)) > 0)
                {
                    if (_blackholed)
                    {
                        // Held, as a partitioned network holds them: neither delivered nor refused, until the relay is disposed.
                        _stop.Token.WaitHandle.WaitOne();
                        return;
                    }

                    to.Write(buffer.AsSpan(0, read));
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The relay was disposed or a side closed: the other direction ends the same way.
            }
        })
        {
            IsBackground = true,
            Name = "TCP relay pump",
        };
        thread.Start();
    }
}
