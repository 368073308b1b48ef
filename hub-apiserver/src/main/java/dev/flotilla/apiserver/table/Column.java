package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code meta.k8s.io/v1} TableColumnDefinition.
 *
 * @param name column title; kubectl prints it upper-cased
 * @param type OpenAPI type of the cells: string, integer, number, boolean or date
 * @param format optional format, "name" for the column that holds the object name
 * @param description what the column shows
 * @param priority 0 for always shown, 1 and above for {@code -o wide} only
 */
public record Column(String name, String type, String format, String description, int priority) {

  public static Column of(String name, String type, String description) {
    return new Column(name, type, "", description, 0);
  }

  public static Column wide(String name, String type, String description) {
    return new Column(name, type, "", description, 1);
  }

  /** The object-name column every printer starts with. */
  public static Column nameColumn() {
    return new Column(
        "Name", "string", "name", "Name of the object, unique within its namespace.", 0);
  }

  /** The age column most printers end with. */
  public static Column ageColumn() {
    return of("Age", "string", "Time since the object was created.");
  }

  ObjectNode toJson() {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    c.put("name", name);
    c.put("type", type);
    c.put("format", format);
    c.put("description", description);
    c.put("priority", priority);
    return c;
  }
}
