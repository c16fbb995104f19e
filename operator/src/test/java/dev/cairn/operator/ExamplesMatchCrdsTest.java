package dev.cairn.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every resource in {@code examples/} validates against its CRD's OpenAPI schema (as a JSON schema;
 * unknown fields are errors here, because the API server would silently prune them and a typo in an
 * example would go unnoticed). CEL rules are the API server's and are covered by the operator's own
 * checks.
 */
class ExamplesMatchCrdsTest {
  static final Path EXAMPLES = Path.of("..", "examples");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void everyExampleValidatesAgainstItsCrd() throws IOException {
    Map<String, JsonSchema> schemas = schemasByKind();
    List<String> checked = new ArrayList<>();
    try (Stream<Path> files = Files.walk(EXAMPLES, 2)) { // examples/replicated/ too
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode doc : documents(file)) {
          String kind = doc.path("kind").asText();
          if (!doc.path("apiVersion").asText().startsWith("cairn.dev/")) {
            continue; // a Secret the example needs
          }
          assertThat(doc.path("apiVersion").asText())
              .as(file + ": apiVersion")
              .isEqualTo("cairn.dev/v1alpha1");
          assertThat(schemas).as(file + ": kind " + kind).containsKey(kind);
          Set<ValidationMessage> errors = schemas.get(kind).validate(doc);
          assertThat(errors).as(file + " (" + kind + ")").isEmpty();
          checked.add(kind);
        }
      }
    }
    assertThat(checked).contains("Ensemble", "BrokerCluster", "Topic", "CacheCluster");
  }

  @Test
  void schemaRejectsAWrongTypeAndAnUnknownField() throws IOException {
    JsonSchema ensemble = schemasByKind().get("Ensemble");
    JsonNode bad =
        YAML.readTree(
            "apiVersion: cairn.dev/v1alpha1\nkind: Ensemble\nmetadata: {name: x}\n"
                + "spec: {replicas: three, storage: {sise: 1Gi}}\n");
    assertThat(ensemble.validate(bad))
        .extracting(ValidationMessage::getMessage)
        .anyMatch(m -> m.contains("replicas"))
        .anyMatch(m -> m.contains("sise"));
  }

  static Map<String, JsonSchema> schemasByKind() throws IOException {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    Map<String, JsonSchema> schemas = new HashMap<>();
    try (Stream<Path> files = Files.list(Path.of("..", "crds"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
        JsonNode crd = YAML.readTree(file.toFile());
        JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema").deepCopy();
        schema
            .path("properties")
            .forEach(ExamplesMatchCrdsTest::closeObjects); // root: apiVersion, kind, metadata
        schemas.put(crd.at("/spec/names/kind").asText(), factory.getSchema(schema));
      }
    }
    return schemas;
  }

  /** additionalProperties: false on every object schema that lists its properties. */
  private static void closeObjects(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties")
          && !object.has("additionalProperties")
          && !object.has("x-kubernetes-preserve-unknown-fields")) {
        object.put("additionalProperties", false);
      }
      object.forEach(ExamplesMatchCrdsTest::closeObjects);
    } else if (node != null && node.isArray()) {
      node.forEach(ExamplesMatchCrdsTest::closeObjects);
    }
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }
}
