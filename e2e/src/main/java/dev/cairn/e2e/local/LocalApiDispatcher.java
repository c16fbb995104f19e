package dev.cairn.e2e.local;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mock server's CRUD dispatcher plus two things a real API server does that the operator relies
 * on and CRUD mode lacks:
 *
 * <ul>
 *   <li>server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}): an applied
 *       object that does not exist is created, one that exists gets the applied fields merged in (a
 *       JSON merge patch). With a single field manager, as here, that is what apply does, except
 *       that fields the manager stopped setting are not removed;
 *   <li>a Secret's {@code stringData} is write-only: the API server encodes it into {@code data}
 *       (base64) when the Secret is written, which is where every reader looks;
 *   <li>a {@code SelfSubjectRulesReview} (java-operator-sdk checks with one that it may use Leases
 *       before leader election): the local cluster has no RBAC, so everything is allowed.
 * </ul>
 */
final class LocalApiDispatcher extends KubernetesCrudDispatcher {
  private static final String RULES_REVIEW =
      "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
  private static final String APPLY = "application/apply-patch+yaml";
  private static final String MERGE = "application/merge-patch+json";
  private static final String ALLOW_ALL =
      """
      {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","metadata":{},
       "status":{"incomplete":false,
         "resourceRules":[{"verbs":["*"],"apiGroups":["*"],"resources":["*"]}],
         "nonResourceRules":[{"verbs":["*"],"nonResourceURLs":["*"]}]}}
      """;

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    if (request.getPath().startsWith(RULES_REVIEW)) {
      return new MockResponse().setResponseCode(201).setBody(ALLOW_ALL);
    }
    return super.handleCreate(withSecretStringDataEncoded(request));
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    return super.handleUpdate(withSecretStringDataEncoded(request));
  }

  private static RecordedRequest withSecretStringDataEncoded(RecordedRequest request) {
    if (!request.getPath().matches("/api/v1/namespaces/[^/]+/secrets(/[^/?]+)?(\\?.*)?")) {
      return request;
    }
    // Reading the body consumes it: whatever is decided, the request goes on with a new body.
    String body = request.getUtf8Body();
    Secret secret = Serialization.unmarshal(body, Secret.class);
    if (secret.getStringData() == null || secret.getStringData().isEmpty()) {
      return withBody(request, body);
    }
    Map<String, String> data =
        new LinkedHashMap<>(secret.getData() == null ? Map.of() : secret.getData());
    secret
        .getStringData()
        .forEach((k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    secret.setData(data);
    secret.setStringData(null);
    return withBody(request, Serialization.asJson(secret));
  }

  private static RecordedRequest withBody(RecordedRequest request, String body) {
    return new RecordedRequest(
        request.getHttpVersion(),
        request.method(),
        request.getPath(),
        request.getHeaders(),
        new Buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    String contentType = request.getHeaders().header("Content-Type");
    if (contentType == null || !contentType.startsWith(APPLY)) {
      return super.handlePatch(request);
    }
    String path = request.getPath();
    String resource = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    if (!resource.endsWith("/status") && handleGet(resource).code() == 404) {
      String collection = resource.substring(0, resource.lastIndexOf('/'));
      return handleCreate(
          new RecordedRequest(
              request.getHttpVersion(),
              HttpMethod.POST,
              collection,
              request.getHeaders(),
              request.getBody()));
    }
    return super.handlePatch(
        new RecordedRequest(
            request.getHttpVersion(),
            HttpMethod.PATCH,
            resource,
            request.getHeaders().newBuilder().set("Content-Type", MERGE).build(),
            request.getBody()));
  }
}
