package dev.flotilla.apiserver.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TcpConfig;
import io.vertx.core.spi.transport.Transport;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Tells a listener of every TCP connection it accepts, before the TLS handshake: Vert.x's
 * connection handler runs only once the handshake is done, so a connection still handshaking (or
 * one that never starts) would escape the unauthenticated connection cap. It is Vert.x's NIO
 * transport with one addition: each accepted channel is first handed to the hook registered for its
 * local port.
 */
public final class AcceptHooks {
  private static final Map<Integer, Consumer<Channel>> HOOKS = new ConcurrentHashMap<>();

  private AcceptHooks() {}

  /** The transport to build a Vert.x instance with, so its listeners report accepted channels. */
  public static io.vertx.core.transport.Transport transport() {
    io.vertx.core.transport.Transport nio = io.vertx.core.transport.Transport.NIO;
    Transport hooked = new Hooked(nio.implementation());
    return new io.vertx.core.transport.Transport() {
      @Override
      public String name() {
        return nio.name();
      }

      @Override
      public boolean available() {
        return nio.available();
      }

      @Override
      public Throwable unavailabilityCause() {
        return nio.unavailabilityCause();
      }

      @Override
      public Transport implementation() {
        return hooked;
      }
    };
  }

  /** Hands channels accepted on {@code port} to {@code hook} (on the channel's loop). */
  static void register(int port, Consumer<Channel> hook) {
    HOOKS.put(port, hook);
  }

  static void unregister(int port, Consumer<Channel> hook) {
    HOOKS.remove(port, hook);
  }

  private static void accepted(Channel ch) {
    if (ch.localAddress() instanceof InetSocketAddress local) {
      Consumer<Channel> hook = HOOKS.get(local.getPort());
      if (hook != null) {
        hook.accept(ch);
      }
    }
  }

  /** Vert.x's transport, delegated to, with accepted channels reported first. */
  private record Hooked(Transport nio) implements Transport {
    @Override
    public void configure(TcpConfig config, boolean domainSocket, ServerBootstrap bootstrap) {
      nio.configure(config, domainSocket, bootstrap);
      ChannelHandler vertx = bootstrap.config().childHandler();
      if (vertx == null) {
        return;
      }
      bootstrap.childHandler(
          new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              accepted(ch);
              ch.pipeline().addLast(vertx);
            }
          });
    }

    @Override
    public boolean supportsDomainSockets() {
      return nio.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return nio.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return nio.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return nio.unavailabilityCause();
    }

    @Override
    public java.net.SocketAddress convert(SocketAddress address) {
      return nio.convert(address);
    }

    @Override
    public SocketAddress convert(java.net.SocketAddress address) {
      return nio.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return nio.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(
        int type, int threads, ThreadFactory factory, int ioRatio) {
      return nio.eventLoopGroup(type, threads, factory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return nio.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
      return nio.datagramChannelFactory();
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return nio.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      return nio.serverChannelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      nio.configure(channel, options);
    }

    @Override
    public void configure(TcpConfig config, boolean domainSocket, Bootstrap bootstrap) {
      nio.configure(config, domainSocket, bootstrap);
    }
  }
}
