import dev.jobstream.params.ParamsSchema;
import dev.jobstream.spi.JobParam;
import io.vertx.core.json.JsonObject;
import java.util.*;
/** What checking params against their schema costs a trigger, on one thread: no params, typed params, a nested schema. */
public class ParamsCost {
  public static void main(String[] a) throws Exception {
    ParamsSchema none = ParamsSchema.typed(List.of());
    ParamsSchema sleep = ParamsSchema.typed(List.of(JobParam.integer("items", 5, 0, 100000, "x"), JobParam.integer("delay_ms", 200, 0, 60000, "y"), JobParam.integer("fail_at", null, 1, 100000, "z")));
    ParamsSchema export = ParamsSchema.declared(new JsonObject("{\"type\":\"object\",\"properties\":{\"format\":{\"enum\":[\"csv\",\"xlsx\"],\"default\":\"csv\"},\"columns\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1},\"filter\":{\"type\":\"object\",\"properties\":{\"since\":{\"type\":\"string\",\"format\":\"date\"}}}},\"required\":[\"columns\"]}").getMap());
    Map<String,Object> p1 = Map.of("items", 3, "delay_ms", 100);
    Map<String,Object> p2 = new JsonObject("{\"columns\":[\"id\",\"total\",\"paid\"],\"filter\":{\"since\":\"2024-05-31\"}}").getMap();
    for (int round = 0; round < 3; round++) {
      for (Object[] c : new Object[][]{{"no params", none, null}, {"demo.sleep 2 params", sleep, p1}, {"export nested", export, p2}}) {
        ParamsSchema s = (ParamsSchema) c[1]; @SuppressWarnings("unchecked") Map<String,Object> p = (Map<String,Object>) c[2];
        int n = 200_000; long t = System.nanoTime();
        for (int i = 0; i < n; i++) s.resolve(p);
        System.out.printf("%s: %.2f µs%n", c[0], (System.nanoTime() - t) / 1000.0 / n);
      }
    }
  }
}
