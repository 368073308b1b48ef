package dev.flotilla.policies.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The third-party customizations Flotilla ships as data: ResourceInterpreterCustomization YAML
 * under {@code interpreter/thirdparty/} on the classpath, listed in its {@code index.txt}.
 */
public final class ThirdParty {
  private static final String DIR = "interpreter/thirdparty/";
  private static final YAMLMapper YAML = new YAMLMapper();
  private static volatile Customizations loaded;

  private ThirdParty() {}

  /** The shipped customizations, parsed once. */
  public static Customizations customizations() {
    Customizations c = loaded;
    if (c == null) {
      c = Customizations.of(objects(), Script.THIRD_PARTY);
      loaded = c;
    }
    return c;
  }

  /** The shipped ResourceInterpreterCustomization objects, fresh trees. */
  public static List<JsonNode> objects() {
    List<JsonNode> out = new ArrayList<>();
    for (String name : index()) {
      try (InputStream in = open(DIR + name)) {
        out.add(YAML.readTree(in));
      } catch (IOException e) {
        throw new UncheckedIOException("third-party customization " + name, e);
      }
    }
    return out;
  }

  private static List<String> index() {
    List<String> names = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(open(DIR + "index.txt"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String name = line.strip();
        if (!name.isEmpty() && !name.startsWith("#")) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  private static InputStream open(String resource) {
    InputStream in = ThirdParty.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("not on the classpath: " + resource);
    }
    return in;
  }
}
