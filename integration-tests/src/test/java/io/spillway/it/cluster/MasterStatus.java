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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The standalone Master's own view of the cluster, read from the JSON its web UI serves at
 * {@code /json/} (the same data as the UI's front page): its URL and state, the workers with
 * host and state (ALIVE, DECOMMISSIONED, DEAD), and the applications.
 */
public final class MasterStatus {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One worker as the Master lists it. */
  public record Worker(String id, String host, String state) {}

  private final JsonNode root;

  private MasterStatus(JsonNode root) {
    this.root = root;
  }

  /** The status, or empty while the web UI is not up (or answers with an error). */
  public static Optional<MasterStatus> fetch(String host, int webUiPort) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + webUiPort + "/json/"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      return Optional.of(new MasterStatus(JSON.readTree(response.body())));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** spark://host:port as the Master announces itself. */
  public String url() {
    return root.path("url").asText();
  }

  /** ALIVE once the Master is leader. */
  public String state() {
    return root.path("status").asText();
  }

  public List<Worker> workers() {
    List<Worker> workers = new ArrayList<>();
    for (JsonNode w : root.path("workers")) {
      workers.add(
          new Worker(w.path("id").asText(), w.path("host").asText(), w.path("state").asText()));
    }
    return workers;
  }

  public long aliveWorkersOn(String host) {
    return workers().stream()
        .filter(w -> w.host().equals(host) && w.state().equals("ALIVE"))
        .count();
  }

  @Override
  public String toString() {
    return "master " + url() + " " + state() + ", workers " + workers();
  }
}
