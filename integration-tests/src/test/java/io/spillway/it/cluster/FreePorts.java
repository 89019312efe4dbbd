/*
 * Copyright 2026 The Spillway Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.spillway.it.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports that were free a moment ago on a loopback address, for the few Spark services whose
 * port must be known before they start (the Master's RPC and web UI ports, the external shuffle
 * service, which every executor reaches at the port in the application's conf). Everything else
 * binds port 0. A port is never handed out twice by this JVM; another process may still take it
 * in between, which the cluster start detects (the service fails to bind) and retries.
 */
public final class FreePorts {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  public static int pick(String host) {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot bind a socket on " + host, e);
      }
    }
    throw new IllegalStateException("no free port found on " + host);
  }

  /** Fails with a clear message when {@code host} (e.g. 127.0.0.2) cannot be bound here. */
  public static void checkBindable(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(
          "The cluster tests need the loopback address "
              + host
              + " (Linux routes all of 127.0.0.0/8 to the loopback interface); binding it failed",
          e);
    }
  }
}
