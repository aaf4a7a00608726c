package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core's packages form layers, not a knot: no package cycle; the storage package knows nothing
 * of OCI; and a public signature never names a type its caller cannot name (a package-private
 * service leaking through a return value).
 */
class PackageStructureTest {

  private static final Path SOURCES = Path.of("src/main/java");
  private static final String ROOT = "dev.berth.registry";
  /** An import, or a fully qualified name in code: {@code dev.berth.registry.oci.Digest}. */
  private static final Pattern REFERENCE =
      Pattern.compile("\\b(dev\\.berth\\.registry(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

  /** Package -> the packages of Berth it refers to. */
  private static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
        Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
        for (String line : Files.readAllLines(file)) {
          String code = line.trim();
          if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
            continue;
          }
          Matcher m = REFERENCE.matcher(code);
          while (m.find()) {
            if (!m.group(1).equals(pkg)) {
              uses.add(m.group(1));
            }
          }
        }
      }
    }
    return graph;
  }

  @Test
  void packagesHaveNoCycle() throws IOException {
    Map<String, Set<String>> graph = dependencies();
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      findCycle(graph, start, new ArrayList<>(List.of(start)), cycles);
    }
    assertEquals(List.of(), cycles, "dependencies: " + graph);
  }

  private static void findCycle(Map<String, Set<String>> graph, String at, List<String> path,
      List<String> cycles) {
    for (String next : graph.getOrDefault(at, Set.of())) {
      if (next.equals(path.get(0))) {
        String cycle = String.join(" -> ", path) + " -> " + next;
        if (path.get(0).equals(path.stream().min(String::compareTo).orElseThrow())) {
          cycles.add(cycle);
        }
      } else if (!path.contains(next) && path.size() < graph.size()) {
        path.add(next);
        findCycle(graph, next, path, cycles);
        path.remove(path.size() - 1);
      }
    }
  }

  @Test
  void storageKnowsNothingOfOci() throws IOException {
    assertEquals(Set.of(), dependencies().get(ROOT + ".storage"),
        "the storage package depends on no other Berth package");
    assertEquals(Set.of(), dependencies().get(ROOT + ".oci"),
        "the OCI vocabulary is a leaf");
  }

  /** Every public or protected member of a public class names only public types. */
  @Test
  void publicSignaturesNamePublicTypes() throws Exception {
    Path classes = Path.of("target/classes");
    List<String> leaks = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('/', '.').replace(".class", "");
        Class<?> type = Class.forName(name, false, getClass().getClassLoader());
        if (!isVisible(type)) {
          continue;
        }
        List<Executable> members = new ArrayList<>(List.of(type.getDeclaredMethods()));
        members.addAll(List.of(type.getDeclaredConstructors()));
        for (Executable member : members) {
          if (!(Modifier.isPublic(member.getModifiers())
              || Modifier.isProtected(member.getModifiers())) || member.isSynthetic()) {
            continue;
          }
          List<Type> named = new ArrayList<>(List.of(member.getGenericParameterTypes()));
          if (member instanceof Method m) {
            named.add(m.getGenericReturnType());
          }
          for (Type t : named) {
            for (Class<?> c : classesIn(t)) {
              if (c.getName().startsWith(ROOT) && !isVisible(c)) {
                leaks.add(type.getName() + "." + (member instanceof Constructor<?> ? "<init>"
                    : member.getName()) + " names " + c.getName());
              }
            }
          }
        }
      }
    }
    assertEquals(List.of(), leaks);
  }

  private static boolean isVisible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static List<Class<?>> classesIn(Type t) {
    List<Class<?>> found = new ArrayList<>();
    if (t instanceof Class<?> c) {
      found.add(c.isArray() ? c.getComponentType() : c);
    } else if (t instanceof ParameterizedType p) {
      found.addAll(classesIn(p.getRawType()));
      for (Type arg : p.getActualTypeArguments()) {
        found.addAll(classesIn(arg));
      }
    }
    return found;
  }
}
