package dev.flotilla.policies.interpreter.lua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

class LuaConvertTest {
  private static final ObjectMapper M = new ObjectMapper();
  private final LuaSandbox sandbox = new LuaSandbox(LuaLimits.DEFAULT);

  private static JsonNode json(String s) throws Exception {
    return M.readTree(s.replace('\'', '"'));
  }

  private JsonNode roundTrip(String script, JsonNode in, boolean struct, JsonNode... refs) {
    LuaValue out = sandbox.call(script, "F", LuaConvert.toLua(in)).arg1();
    return LuaConvert.toJson(out, struct, refs);
  }

  @Test
  void objectsArraysNumbersAndBooleansSurvive() throws Exception {
    JsonNode in = json("{'a':{'b':[1,2.5,'x',true]},'n':3}");
    assertEquals(in, roundTrip("function F(o) return o end", in, true, in));
  }

  @Test
  void arraysAreOneBasedAndNullsVanish() throws Exception {
    JsonNode in = json("{'list':['p','q'],'gone':null}");
    assertEquals(
        json("{'first':'p','n':2,'gone':true}"),
        roundTrip(
            "function F(o) return {first=o.list[1], n=#o.list, gone=(o.gone == nil)} end",
            in,
            true));
  }

  @Test
  void emptyTablesFollowTheReferences() throws Exception {
    JsonNode ref = json("{'spec':{'aa':{},'bb':[],'list':[{'x':{}}]}}");
    JsonNode out = roundTrip("function F(o) o.spec.cc = {} return o end", ref, true, ref);
    // aa was an object, bb a list, list[].x an object; cc existed nowhere and is dropped.
    assertEquals(json("{'spec':{'aa':{},'bb':[],'list':[{'x':{}}]}}"), out);
  }

  @Test
  void anEmptyRootIsAnObjectForStructResults() {
    assertEquals(M.createObjectNode(), LuaConvert.toJson(new org.luaj.vm2.LuaTable(), true));
    assertEquals(M.createArrayNode(), LuaConvert.toJson(new org.luaj.vm2.LuaTable(), false));
  }

  @Test
  void unencodableTablesAreErrors() {
    String sparse = "function F() local t = {} t[1] = 1 t[3] = 3 return t end";
    assertThrows(
        ScriptException.class, () -> LuaConvert.toJson(sandbox.call(sparse, "F").arg1(), true));
    String mixed = "function F() return {1, a = 2} end";
    assertThrows(
        ScriptException.class, () -> LuaConvert.toJson(sandbox.call(mixed, "F").arg1(), true));
    String nested = "function F() local t = {} t.self = t return t end";
    assertThrows(
        ScriptException.class, () -> LuaConvert.toJson(sandbox.call(nested, "F").arg1(), true));
    String fn = "function F() return {f = F} end";
    assertThrows(
        ScriptException.class, () -> LuaConvert.toJson(sandbox.call(fn, "F").arg1(), true));
  }

  @Test
  void kubeLibraryComputesPodRequirements() throws Exception {
    JsonNode template =
        json(
            "{'metadata':{'namespace':'ns'},'spec':{'containers':[{'resources':{'requests':"
                + "{'cpu':'250m','memory':'64Mi'}}},{'resources':{'requests':{'cpu':'250m',"
                + "'memory':'64Mi'}}}],'nodeSelector':{'disk':'ssd'}}}");
    String script =
        "local kube = require('kube') function F(t) return kube.accuratePodRequirements(t) end";
    assertEquals(
        json(
            "{'nodeClaim':{'nodeSelector':{'disk':'ssd'}},'resourceRequest':"
                + "{'cpu':'500m','memory':'128Mi'},'namespace':'ns'}"),
        roundTrip(script, template, true));
  }
}
