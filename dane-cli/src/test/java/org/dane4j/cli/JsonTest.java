package org.dane4j.cli;

import org.dane4j.testkit.MiniJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written JSON writer: exact output, escaping, and a round trip through a strict parser. */
class JsonTest {
  @Test
  void writesObjectsInOrderPrettyPrinted() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", 1);
    m.put("a", Arrays.asList("x", null, true));
    m.put("e", List.of());
    assertThat(Json.write(m)).isEqualTo("{\n  \"b\": 1,\n  \"a\": [\n    \"x\",\n    null,\n    true\n  ],\n"
        + "  \"e\": []\n}");
  }

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertThat(Json.write("a\"b\\c\nd\te\u0001f\u2028")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001f\\u2028\"");
  }

  @Test
  void roundTripsThroughAParser() {
    Map<String, Object> m = new LinkedHashMap<>();
    String nasty = "quote \" back \\ nl \n cr \r tab \t bell \u0007 é ✓";
    m.put("s", nasty);
    m.put("n", null);
    m.put("f", false);
    m.put("l", List.of(Map.of("k", 42L)));
    Map<?, ?> back = (Map<?, ?>) MiniJson.parse(Json.write(m));
    assertThat(back.get("s")).isEqualTo(nasty);
    assertThat(back.containsKey("n")).isTrue();
    assertThat(back.get("n")).isNull();
    assertThat(back.get("f")).isEqualTo(false);
    assertThat(back.get("l")).isEqualTo(List.of(Map.of("k", 42L)));
  }
}
