package dev.mmkit.assembly;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.machine.Problems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the configuration comes from, and the checks that need only the configuration.
 *
 * <h2>Layers, lowest first</h2>
 * <ol>
 *   <li>defaults: every {@code reference.conf} on the host's class path, and the
 *       {@code reference.conf} at the root of every installed bundle, plugins included;</li>
 *   <li>the user's text: {@code -c FILE} (tests may add HOCON text);</li>
 *   <li>{@code --set path=value}, each with the origin {@code --set path=value}.</li>
 * </ol>
 */
final class Configuration {
    private final Config user;
    private final Path file;
    private Config early;

    private Configuration(Config user, Path file) {
        this.user = user;
        this.file = file;
    }

    /**
     * The user's layers, parsed (not resolved). Later layers win: texts over the file, sets
     * over both.
     *
     * @throws ConfigurationException for a file that cannot be read or parsed, or a bad --set
     */
    public static Configuration user(Path file, List<String> texts, List<String> sets) {
        Config user = ConfigFactory.empty();
        Problems problems = new Problems();
        for (String set : sets) {
            try {
                user = user.withFallback(parseSet(set));
            } catch (ConfigurationException e) {
                e.problems().forEach(problems::add);
            }
        }
        for (int i = texts.size() - 1; i >= 0; i--) {
            try {
                user = user.withFallback(ConfigFactory.parseString(texts.get(i),
                    ConfigParseOptions.defaults().setOriginDescription("configuration text " + (i + 1))));
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                problems.add(file + ": cannot read: " + (Files.exists(file) ? "not a file" : "no such file"));
            } else {
                try {
                    user = user.withFallback(ConfigFactory.parseFile(file.toFile(),
                        ConfigParseOptions.defaults().setAllowMissing(false)));
                } catch (ConfigException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        problems.throwIfAny();
        return new Configuration(user, file);
    }

    /**
     * One {@code --set path=value}. The value is HOCON ({@code 128MiB}, {@code [a, b]},
     * {@code {x = 1}}); what does not parse as HOCON is taken as a plain string.
     */
    static Config parseSet(String set) {
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new ConfigurationException("--set " + set + ": expected path=value");
        }
        String path = set.substring(0, eq).strip();
        String value = set.substring(eq + 1).strip();
        String origin = "--set " + path + "=" + value;
        try {
            ConfigUtil.splitPath(path);
        } catch (ConfigException e) {
            throw new ConfigurationException(origin + ": bad path [" + path + "]: " + e.getMessage());
        }
        ConfigValue parsed;
        boolean structured = value.startsWith("\"") || value.startsWith("[") || value.startsWith("{");
        if (!structured && (value.contains("//") || value.contains("#"))) {
            // HOCON would read the rest as a comment: a path such as /a//b stays whole.
            parsed = com.typesafe.config.ConfigValueFactory.fromAnyRef(value);
        } else {
            try {
                parsed = ConfigFactory.parseString("v = " + value).getValue("v");
            } catch (ConfigException e) {
                parsed = com.typesafe.config.ConfigValueFactory.fromAnyRef(value);
            }
        }
        // Every value inside a list or an object too comes from this --set (not "String: 1").
        parsed = parsed.valueType() == ConfigValueType.OBJECT || parsed.valueType() == ConfigValueType.LIST
            ? com.typesafe.config.ConfigValueFactory.fromAnyRef(parsed.unwrapped(), origin)
            : parsed.withOrigin(ConfigOriginFactory.newSimple(origin));
        return ConfigFactory.empty().withValue(path, parsed);
    }

    /** The user's layers merged, unresolved. */
    public Config userConfig() {
        return user;
    }

    /** The user's file, or null. */
    public Path file() {
        return file;
    }

    private static volatile Config hostDefaults;

    /** Every {@code reference.conf} of the host's class path, merged, unresolved (read once). */
    public static Config hostDefaults() {
        Config defaults = hostDefaults;
        if (defaults == null) {
            defaults = ConfigFactory.parseResources(Configuration.class.getClassLoader(), "reference.conf");
            hostDefaults = defaults;
        }
        return defaults;
    }

    /**
     * The user's layers over the host's defaults, for what must be known before any bundle
     * is installed ({@code mmkit.plugins.dir}, {@code mmkit.run.directory}).
     */
    public Config early() {
        Config config = early;
        if (config == null) {
            try {
                config = user.withFallback(hostDefaults()).resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
            } catch (ConfigException e) {
                throw new ConfigurationException(e.getMessage());
            }
            early = config;
        }
        return config;
    }

    /** A path setting of {@link #early()}. */
    public Path earlyPath(String path) {
        Config early = early();
        try {
            return Path.of(early.getString(path));
        } catch (ConfigException e) {
            throw new ConfigurationException(Problems.where(early.hasPathOrNull(path) ? early.getValue(path).origin() : null)
                + path + ": " + e.getMessage().replaceFirst("^.*?: " + java.util.regex.Pattern.quote(path) + ": ", ""));
        }
    }

    /** The defaults: host class path first, then the bundles'. Unresolved. */
    public static Config defaults(Config bundleDefaults) {
        return hostDefaults().withFallback(bundleDefaults);
    }

    /**
     * The effective configuration: the user's layers over {@code defaults}, resolved
     * (environment variables included, for {@code ${?VAR}}).
     */
    public Config effective(Config defaults) {
        try {
            return user.withFallback(defaults).resolve();
        } catch (ConfigException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    /**
     * Keys the user set that no {@code reference.conf} declares (a typo such as
     * {@code mmkit.machine.memroy}), each reported once at its shallowest unknown path.
     * Keys outside {@code mmkit} are the user's own (for substitutions) and pass.
     */
    public void unknownKeys(Config reference, Problems problems) {
        ConfigValue mmkit = user.root().get("mmkit");
        if (mmkit instanceof ConfigObject object && reference.hasPath("mmkit")) {
            walk(object, List.of("mmkit"), reference, problems);
        }
    }

    private static void walk(ConfigObject object, List<String> at, Config reference, Problems problems) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            List<String> keys = new ArrayList<>(at);
            keys.add(entry.getKey());
            String path = ConfigUtil.joinPath(keys);
            if (!reference.hasPathOrNull(path)) {
                problems.add(entry.getValue().origin(), path, "unknown key" + suggestion(reference, at, entry.getKey()));
                continue;
            }
            if (!reference.hasPath(path)) {
                continue; // declared null: any value (watermarks.Normal)
            }
            ConfigValue declared = reference.getValue(path);
            if (entry.getValue() instanceof ConfigObject child && declared.valueType() == ConfigValueType.OBJECT) {
                walk(child, keys, reference, problems);
            } else if (entry.getValue() instanceof ConfigList list && declared instanceof ConfigList declaredList) {
                walkElements(list, path, declaredList, problems);
            }
        }
    }

    /**
     * The objects of a list ({@code zones}, {@code tlb.levels}) against the keys that the
     * reference's elements use; a reference list without objects declares no keys.
     */
    private static void walkElements(ConfigList list, String path, ConfigList declared, Problems problems) {
        java.util.Set<String> known = new java.util.TreeSet<>();
        for (ConfigValue element : declared) {
            if (element instanceof ConfigObject object) {
                known.addAll(object.keySet());
            }
        }
        if (known.isEmpty()) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ConfigObject element)) {
                continue;
            }
            for (Map.Entry<String, ConfigValue> entry : element.entrySet()) {
                if (known.contains(entry.getKey())) {
                    continue;
                }
                String best = closest(known, entry.getKey());
                problems.add(entry.getValue().origin(), path + "[" + i + "]." + ConfigUtil.quoteString(entry.getKey()).replace("\"", ""),
                    "unknown key" + (best != null ? " (did you mean " + best + "?)" : ""));
            }
        }
    }

    private static String suggestion(Config reference, List<String> parentKeys, String key) {
        String parent = ConfigUtil.joinPath(parentKeys);
        if (!reference.hasPath(parent)) {
            return "";
        }
        String best = closest(reference.getObject(parent).keySet(), key);
        return best != null
            ? " (did you mean " + ConfigUtil.joinPath(parentKeys) + "." + ConfigUtil.quoteString(best).replace("\"", "") + "?)"
            : "";
    }

    /** The candidate nearest to {@code key}, if it is near enough to be a typo of it; else null. */
    private static String closest(java.util.Collection<String> candidates, String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    /** Damerau–Levenshtein (optimal string alignment) distance: a swap of two letters is one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * Values whose type does not match the defaults' ({@code Config.checkValid}), as
     * {@code file: line: path: wrong type: expected number, got string}.
     */
    public static void typeErrors(Config effective, Config reference, Problems problems) {
        try {
            effective.checkValid(reference, "mmkit");
        } catch (ConfigException.ValidationFailed e) {
            for (ConfigException.ValidationProblem p : e.problems()) {
                problems.add(p.origin(), p.path(), simplify(p.problem()));
            }
        }
    }

    private static String simplify(String problem) {
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("Wrong value type at '.*', expecting: (.*) but got: (.*)").matcher(problem);
        return m.matches() ? "wrong type: expected " + m.group(1) + ", got " + m.group(2) : problem;
    }

    /**
     * The {@code mmkit} settings of {@code config}, one {@code path = value} line each in
     * path order, each followed by where the value came from:
     * {@code mmkit.machine.cpus = 2  # my.conf: 3}. The output is valid HOCON.
     */
    public static String render(Config config) {
        java.util.TreeMap<String, ConfigValue> leaves = new java.util.TreeMap<>();
        if (config.hasPath("mmkit")) {
            for (Map.Entry<String, ConfigValue> e : config.getConfig("mmkit").entrySet()) {
                leaves.put("mmkit." + e.getKey(), e.getValue());
            }
        }
        int width = 0;
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : leaves.entrySet()) {
            String line = e.getKey() + " = " + e.getValue().render(ConfigRenderOptions.concise());
            lines.add(line);
            if (line.length() <= 64) {
                width = Math.max(width, line.length());
            }
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (Map.Entry<String, ConfigValue> e : leaves.entrySet()) {
            String line = lines.get(i++);
            String where = Problems.where(e.getValue().origin());
            where = where.endsWith(": ") ? where.substring(0, where.length() - 2) : where;
            out.append(line).append(" ".repeat(Math.max(0, width - line.length()))).append("  # ").append(where).append('\n');
        }
        return out.toString();
    }
}
