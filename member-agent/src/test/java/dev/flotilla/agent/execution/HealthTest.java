package dev.flotilla.agent.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.policies.interpreter.ResourceInterpreter;
import org.junit.jupiter.api.Test;

/** The agent's health reading: the one interpreter of policies, as the agent builds it. */
class HealthTest {
  private static final ResourceInterpreter INTERPRETER = new ResourceInterpreter();

  @Test
  void interpretsHealthLikeKarmadasBuiltInInterpreter() {
    String[][] rows = {
      {"Unknown", null},
      {"Healthy", "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'}}"},
      {
        "Unhealthy",
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'generation':2},"
            + "'spec':{'replicas':2},'status':{'observedGeneration':1,'updatedReplicas':2,"
            + "'availableReplicas':2}}"
      },
      {
        "Unhealthy",
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'generation':1},"
            + "'spec':{'replicas':2},'status':{'observedGeneration':1,'updatedReplicas':2,"
            + "'availableReplicas':1}}"
      },
      {
        "Healthy",
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'generation':1},"
            + "'spec':{'replicas':2},'status':{'observedGeneration':1,'updatedReplicas':2,"
            + "'availableReplicas':2}}"
      },
      {
        "Healthy",
        "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'generation':1},"
            + "'spec':{'replicas':0},'status':{'observedGeneration':1}}"
      },
      {"Healthy", "{'apiVersion':'v1','kind':'Service','spec':{'type':'ClusterIP'}}"},
      {"Unhealthy", "{'apiVersion':'v1','kind':'Service','spec':{'type':'LoadBalancer'}}"},
      {
        "Healthy",
        "{'apiVersion':'v1','kind':'Service','spec':{'type':'LoadBalancer'},"
            + "'status':{'loadBalancer':{'ingress':[{'ip':'1.2.3.4'}]}}}"
      },
      {
        "Unhealthy",
        "{'apiVersion':'v1','kind':'PersistentVolumeClaim'," + "'status':{'phase':'Pending'}}"
      },
      {
        "Healthy",
        "{'apiVersion':'v1','kind':'Pod','status':{'phase':'Running',"
            + "'conditions':[{'type':'Ready','status':'True'}]}}"
      },
      {
        "Unhealthy",
        "{'apiVersion':'v1','kind':'Pod','status':{'phase':'Running',"
            + "'conditions':[{'type':'Ready','status':'False'}]}}"
      },
    };
    for (String[] row : rows) {
      assertEquals(
          row[0],
          INTERPRETER.health(row[1] == null ? null : ManifestsTest.parse(row[1])).value(),
          String.valueOf(row[1]));
    }
  }
}
