package dev.flotilla.policies.interpreter.lua;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flotilla.policies.dependencies.DependentObject;
import dev.flotilla.policies.dependencies.PodDependencies;
import dev.flotilla.policies.interpreter.PodRequirements;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.Quantity;
import java.math.BigDecimal;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code kube} module of Karmada's luavm, what {@code require("kube")} returns: resourceAdd,
 * accuratePodRequirements, getPodDependencies and getResourceQuantity.
 */
final class KubeLibrary {
  private KubeLibrary() {}

  static LuaTable create() {
    LuaTable kube = new LuaTable();
    kube.set(
        "resourceAdd",
        fn(
            args -> {
              BigDecimal sum = BigDecimal.ZERO;
              for (int i = 1; i <= args.narg(); i++) {
                sum = sum.add(quantity(args, i));
              }
              return LuaValue.valueOf(PodRequirements.format(sum));
            }));
    kube.set(
        "accuratePodRequirements",
        fn(
            args -> {
              if (args.narg() != 1) {
                throw new LuaError("accuratePodRequirements only accepts one argument");
              }
              var template = LuaConvert.toJson(args.checktable(1), true);
              return LuaConvert.toLua(
                  PodRequirements.of(
                      template, template.path("metadata").path("namespace").asText("")));
            }));
    kube.set(
        "getPodDependencies",
        fn(
            args -> {
              if (args.narg() != 2) {
                throw new LuaError("getPodDependencies only accepts two arguments");
              }
              var template = LuaConvert.toJson(args.checktable(1), true);
              String namespace = args.arg(2).isnil() ? "default" : args.checkjstring(2);
              ArrayNode out = Nodes.MAPPER.createArrayNode();
              for (DependentObject d : PodDependencies.ofPodTemplate(template, namespace)) {
                out.add(d.toJson());
              }
              return LuaConvert.toLua(out);
            }));
    kube.set(
        "getResourceQuantity",
        fn(
            args -> {
              if (args.narg() != 1) {
                throw new LuaError("getResourceQuantity only accepts one argument");
              }
              return LuaValue.valueOf(quantity(args, 1).doubleValue());
            }));
    return kube;
  }

  private static BigDecimal quantity(Varargs args, int i) {
    LuaValue v = args.arg(i);
    if (v.isnil()) {
      return BigDecimal.ZERO;
    }
    String text = args.checkjstring(i);
    return Quantity.parse(text)
        .orElseThrow(() -> new LuaError("quantities must match the regular expression: " + text));
  }

  private interface Body {
    LuaValue apply(Varargs args);
  }

  private static VarArgFunction fn(Body body) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        try {
          return body.apply(args);
        } catch (ScriptException e) {
          throw new LuaError(e.getMessage());
        }
      }
    };
  }
}
