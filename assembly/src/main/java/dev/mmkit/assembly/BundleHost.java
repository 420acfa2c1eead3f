package dev.mmkit.assembly;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.mmkit.api.machine.ConfigurationException;
import dev.mmkit.api.machine.ImplementationProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.module.ModuleDescriptor;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.felix.framework.FrameworkFactory;
import org.apache.felix.framework.util.manifestparser.ManifestParser;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Apache Felix embedded in the host process, with the project's bundles and the plugins
 * installed and started.
 *
 * <h2>How it boots</h2>
 * <ol>
 *   <li>The system bundle exports every {@code dev.mmkit.api.*} package with its version,
 *       read from the API jar's own {@code Export-Package}: bundles wire to the one copy of
 *       the API on the host's class path, so the providers they register are instances of
 *       the host's interfaces. The API jar itself is never installed as a bundle.</li>
 *   <li>Of the JDK's packages the system bundle exports only those that a bundle of this
 *       boot imports ({@link #systemPackages}), beside the OSGi framework's own: Felix's
 *       default list names every package of every module in the boot layer, and the
 *       framework's start and each resolution grow with it.</li>
 *   <li>The framework keeps its storage under the run directory. A run started through
 *       {@link Assembly} holds the run directory's {@link RunDirectoryLock} until the host
 *       closes, so no two runs ever share that storage.</li>
 *   <li>The storage is kept from one run to the next while the bundles are the same, as an
 *       OSGi runtime keeps its bundle cache: a file in it, {@value #FINGERPRINT}, names what
 *       the last successful boot installed (the framework's jar, the API's exports, every
 *       bundle's location, size and CRC-32, in install order). When this boot's are the same,
 *       the installed bundles are found there instead of copied in again, and Declarative
 *       Services reads the component descriptors it parsed last time
 *       ({@code ds.cache.metadata}) instead of their XML. Otherwise, or when the file is
 *       missing or unreadable, the storage is cleaned first ({@code onFirstInit}). The file
 *       is removed before the framework starts and written only once every bundle has
 *       started, so a boot that fails or is killed leaves storage that the next one cleans;
 *       and a boot that fails on kept storage is tried once more on clean storage. Bundles
 *       are started transiently, so the framework never restarts them on its own: each boot
 *       starts them itself, in order, and reports the first that fails (below).</li>
 *   <li>The bundles embedded in the assembly jar ({@code META-INF/mmkit/bundles.index}:
 *       Declarative Services, then the project's modules) are installed, then every jar of
 *       the plugins, then all are started in that order. Declarative Services registers
 *       each {@code @Component} provider as it starts.</li>
 *   <li>The resolver runs on the starting thread ({@code felix.resolver.parallelism=1}).</li>
 *   <li>A bundle that does not install or resolve stops the boot with its symbolic name,
 *       version, file and the resolver's reason.</li>
 * </ol>
 */
public final class BundleHost implements AutoCloseable {
    static final String INDEX = "META-INF/mmkit/bundles.index";
    static final String EMBEDDED = "META-INF/mmkit/bundles/";
    /** The file in the framework's storage that names the bundles it holds, see the class comment. */
    static final String FINGERPRINT = "mmkit.bundles";
    private static final String API_BUNDLE = "dev.mmkit.api";

    private final Framework framework;
    private BundleContext context;
    private final Map<Long, String> sources = new HashMap<>();
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
    private final Map<String, Long> timings = new LinkedHashMap<>();
    /** The run directory's lock, released when the framework has stopped; null when the caller keeps none. */
    private RunDirectoryLock lock;

    private BundleHost(Framework framework) {
        this.framework = framework;
    }

    /**
     * Starts the framework and every bundle.
     *
     * @param storage the framework's storage directory (cleaned first)
     * @param plugins plugin jars, installed after the embedded bundles in this order
     * @throws AssemblyException naming the bundle that failed
     */
    public static BundleHost start(Path storage, List<Path> plugins) {
        return start(storage, plugins, null);
    }

    /**
     * Starts the framework and every bundle for a run that holds its run directory's lock:
     * the host releases the lock when it closes (or fails to start).
     */
    static BundleHost start(Path storage, List<Path> plugins, RunDirectoryLock lock) {
        BundleHost host = null;
        try {
            List<String> embedded = embeddedBundles();
            String exports = apiExports();
            String packages = systemPackages(embedded, plugins);
            String fingerprint = fingerprint(embedded, plugins, exports);
            boolean keep = fingerprint != null && forget(storage.resolve(FINGERPRINT), fingerprint);
            if (keep) {
                try {
                    host = start(storage, embedded, plugins, exports, packages, fingerprint, true);
                } catch (RuntimeException e) {
                    // the kept storage did not boot: the same bundles booted from it last time,
                    // so it is the storage, not a bundle; once more from clean storage
                }
            }
            if (host == null) {
                host = start(storage, embedded, plugins, exports, packages, fingerprint, false);
            }
        } catch (RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
        host.lock = lock;
        return host;
    }

    private static BundleHost start(Path storage, List<String> embedded, List<Path> plugins, String exports,
                                    String packages, String fingerprint, boolean keep) {
        Map<String, String> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, storage.toAbsolutePath().toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, keep ? "none" : Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        if (packages != null) {
            properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES, packages);
        }
        properties.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, exports);
        properties.put("ds.cache.metadata", "true");
        properties.put("felix.cache.locking", "false");
        // The resolver works on the thread that starts a bundle: by default each resolution
        // spins up a pool of one thread per CPU for a dozen bundles, which costs the boot's
        // bundle start about 40 ms (a sixth) on two cores and gains nothing.
        properties.put("felix.resolver.parallelism", "1");
        Framework framework = new FrameworkFactory().newFramework(properties);
        BundleHost host = new BundleHost(framework);
        long t = System.nanoTime();
        try {
            framework.init();
            host.context = framework.getBundleContext();
            framework.start();
            t = host.time("felix", t);
            List<Bundle> installed = new ArrayList<>();
            for (String name : embedded) {
                URL url = embeddedBundle(name);
                if (url == null) {
                    throw new AssemblyException("the assembly jar lacks " + EMBEDDED + name + ", listed in " + INDEX
                        + ": rebuild it with mvn package");
                }
                try (InputStream in = url.openStream()) {
                    installed.add(host.install("mmkit:" + name, in, "embedded " + name));
                }
            }
            for (Path plugin : plugins) {
                requireBundle(plugin);
                try (InputStream in = Files.newInputStream(plugin)) {
                    installed.add(host.install(plugin.toUri().toString(), in, plugin.toString()));
                } catch (IOException e) {
                    throw new AssemblyException("plugin " + plugin + ": cannot read: " + e.getMessage(), e);
                }
            }
            t = host.time("install", t);
            for (Bundle bundle : installed) {
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    host.startBundle(bundle);
                }
            }
            host.time("start", t);
            remember(storage.resolve(FINGERPRINT), fingerprint);
            return host;
        } catch (BundleException | IOException e) {
            host.close();
            throw new AssemblyException("cannot start the OSGi framework: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    private long time(String phase, long since) {
        long now = System.nanoTime();
        timings.put(phase, (now - since) / 1_000_000);
        return now;
    }

    /** Milliseconds the boot's steps took: felix (init and start), install, start (the bundles). */
    public Map<String, Long> timings() {
        return Collections.unmodifiableMap(timings);
    }

    /** The jar files of the plugins directory, by name; none when it does not exist. */
    public static List<Path> pluginJars(Path dir) {
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new ConfigurationException("mmkit.plugins.dir: " + dir + " is not a directory");
            }
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                .toList();
        } catch (IOException e) {
            throw new AssemblyException("plugins directory " + dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** A plugin must be a bundle: a jar whose manifest has a Bundle-SymbolicName. */
    private static void requireBundle(Path plugin) {
        try (JarFile jar = new JarFile(plugin.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) == null) {
                throw new AssemblyException("bundle " + plugin + " does not install: not an OSGi bundle"
                    + " (its manifest has no Bundle-SymbolicName)");
            }
        } catch (IOException e) {
            throw new AssemblyException("bundle " + plugin + " does not install: not a jar: " + e.getMessage(), e);
        }
    }

    private Bundle install(String location, InputStream in, String source) {
        try {
            Bundle bundle = context.installBundle(location, in);
            sources.put(bundle.getBundleId(), source);
            return bundle;
        } catch (BundleException e) {
            throw new AssemblyException("bundle " + source + " does not install: " + e.getMessage(), e);
        }
    }

    private void startBundle(Bundle bundle) {
        try {
            bundle.start(Bundle.START_TRANSIENT);
        } catch (BundleException e) {
            String what = e.getType() == BundleException.RESOLVE_ERROR ? " does not resolve: " : " does not start: ";
            throw new AssemblyException("bundle " + nameOf(bundle) + " (" + sources.get(bundle.getBundleId()) + ")"
                + what + rootMessage(e), e);
        }
    }

    /**
     * What a boot installs, one line each: the framework's jar (its storage format), the API's
     * exports, then every bundle's location, size and CRC-32 in install order. An embedded
     * bundle's size and CRC come from the assembly jar's directory, a plugin's from reading
     * it. Null when one cannot be had: the storage is then cleaned, as before every boot.
     */
    static String fingerprint(List<String> embedded, List<Path> plugins, String exports) {
        StringBuilder s = new StringBuilder();
        try {
            CodeSource felix = FrameworkFactory.class.getProtectionDomain().getCodeSource();
            s.append("felix ").append(felix == null ? "?" : felix.getLocation()).append('\n');
            s.append("api ").append(exports).append('\n');
            for (String name : embedded) {
                URL url = embeddedBundle(name);
                if (url == null) {
                    return null;
                }
                URLConnection connection = url.openConnection();
                JarEntry entry = connection instanceof JarURLConnection jar ? jar.getJarEntry() : null;
                if (entry != null && entry.getSize() >= 0 && entry.getCrc() >= 0) {
                    s.append("mmkit:").append(name).append(' ').append(entry.getSize()).append(' ')
                        .append(Long.toHexString(entry.getCrc())).append('\n');
                } else {
                    try (InputStream in = connection.getInputStream()) {
                        appendContent(s.append("mmkit:").append(name), in);
                    }
                }
            }
            for (Path plugin : plugins) {
                try (InputStream in = Files.newInputStream(plugin)) {
                    appendContent(s.append(plugin.toUri()), in);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return s.toString();
    }

    private static void appendContent(StringBuilder s, InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        for (int n; (n = in.read(buffer)) > 0; size += n) {
            crc.update(buffer, 0, n);
        }
        s.append(' ').append(size).append(' ').append(Long.toHexString(crc.getValue())).append('\n');
    }

    /**
     * Whether the storage's fingerprint file names {@code fingerprint}; the file is removed
     * either way, before the framework touches the storage. False when it cannot be.
     */
    private static boolean forget(Path file, String fingerprint) {
        try {
            if (!Files.isRegularFile(file)) {
                return false;
            }
            boolean same = Files.readString(file, StandardCharsets.UTF_8).equals(fingerprint);
            Files.delete(file);
            return same;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Writes the fingerprint of a boot that started every bundle; the next boot then keeps the storage. */
    private static void remember(Path file, String fingerprint) {
        if (fingerprint == null) {
            return;
        }
        try {
            Files.writeString(file, fingerprint, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the next boot cleans the storage, as when there is no file
        }
    }

    private static String rootMessage(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause != e && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message += ": " + cause.getMessage();
        }
        return message;
    }

    /** {@code dev.mmkit.buddy 1.0.0.202611231755}. */
    static String nameOf(Bundle bundle) {
        return bundle.getSymbolicName() + " " + bundle.getVersion();
    }

    /** The bundle names listed in the assembly's index, in install order. */
    static List<String> embeddedBundles() {
        URL index = BundleHost.class.getClassLoader().getResource(INDEX);
        if (index == null) {
            throw new AssemblyException("the class path has no " + INDEX
                + ": the assembly jar embeds the project's bundles when mvn package builds it");
        }
        List<String> names = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line);
                }
            }
        } catch (IOException e) {
            throw new AssemblyException(INDEX + ": cannot read: " + e.getMessage(), e);
        }
        return names;
    }

    /**
     * {@code org.osgi.framework.system.packages}: the OSGi framework's own packages as Felix
     * exports them by default ({@code osgi-exports} of its {@code default.properties}), and
     * of the packages the boot layer's modules export, those that some bundle of this boot
     * names in its {@code Import-Package} or {@code DynamicImport-Package} (where
     * {@code p.*} and {@code *} match by prefix), at the version Felix gives the JDK's
     * packages ({@code 0.0.0.JavaSE_017} on Java 17). Felix's default list exports all of
     * the JDK's (248 packages on Java 17), and its start and every resolution grow with them.
     * A bundle still loads any {@code java.*} class it does not import: the framework always
     * delegates those to the boot class loader. Null, and Felix's default list, when Felix's
     * defaults or a bundle's manifest cannot be read (a plugin that is no bundle is reported
     * when it is installed).
     */
    static String systemPackages(List<String> embedded, List<Path> plugins) {
        String osgi;
        try (InputStream in = FrameworkFactory.class.getResourceAsStream("/default.properties")) {
            Properties defaults = new Properties();
            if (in != null) {
                defaults.load(in);
            }
            osgi = defaults.getProperty("osgi-exports");
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        if (osgi == null || osgi.isBlank() || osgi.contains("${")) {
            return null;
        }
        Set<String> imports = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        try {
            for (String name : embedded) {
                URL url = embeddedBundle(name);
                if (url == null) {
                    return null;
                }
                try (JarInputStream jar = new JarInputStream(url.openStream())) {
                    if (!importsOf(jar.getManifest(), imports, prefixes)) {
                        return null;
                    }
                }
            }
            for (Path plugin : plugins) {
                try (JarFile jar = new JarFile(plugin.toFile())) {
                    importsOf(jar.getManifest(), imports, prefixes);
                } catch (IOException e) {
                    // not a jar: its installation reports it
                }
            }
        } catch (IOException e) {
            return null;
        }
        StringBuilder packages = new StringBuilder(osgi.strip());
        String feature = Integer.toString(Runtime.version().feature());
        String version = "0.0.0.JavaSE_" + "000".substring(Math.min(3, feature.length())) + feature;
        for (String p : jdkPackages()) {
            boolean wanted = imports.contains(p);
            for (int i = 0; i < prefixes.size() && !wanted; i++) {
                wanted = p.startsWith(prefixes.get(i));
            }
            if (wanted) {
                packages.append(", ").append(p).append(";version=\"").append(version).append('"');
            }
        }
        return packages.toString();
    }

    /**
     * Adds the packages a bundle's manifest imports, statically or dynamically, to
     * {@code imports}, and a dynamic import's wildcard ({@code p.*}: the packages below
     * {@code p}; {@code *}: all) to {@code prefixes} as {@code p.} or the empty string; false
     * when it has no manifest.
     */
    private static boolean importsOf(Manifest manifest, Set<String> imports, List<String> prefixes) {
        if (manifest == null) {
            return false;
        }
        for (String header : List.of(Constants.IMPORT_PACKAGE, Constants.DYNAMICIMPORT_PACKAGE)) {
            String value = manifest.getMainAttributes().getValue(header);
            if (value == null) {
                continue;
            }
            for (String clause : ManifestParser.parseDelimitedString(value, ",")) {
                // the clause's packages come first, then its attributes and directives (a=b, d:=e)
                for (String part : ManifestParser.parseDelimitedString(clause, ";")) {
                    String name = part.strip();
                    if (name.contains("=")) {
                        break;
                    }
                    if (name.endsWith("*")) {
                        prefixes.add(name.substring(0, name.length() - 1));
                    } else {
                        imports.add(name);
                    }
                }
            }
        }
        return true;
    }

    /** Embedded bundle {@code name} in the assembly jar, null when the jar lacks it. */
    private static URL embeddedBundle(String name) {
        return BundleHost.class.getClassLoader().getResource(EMBEDDED + name);
    }

    /** The packages the boot layer's modules export to everyone, sorted. */
    private static List<String> jdkPackages() {
        List<String> packages = new ArrayList<>();
        for (Module module : ModuleLayer.boot().modules()) {
            for (ModuleDescriptor.Exports export : module.getDescriptor().exports()) {
                if (!export.isQualified()) {
                    packages.add(export.source());
                }
            }
        }
        Collections.sort(packages);
        return packages;
    }

    /**
     * The API packages with their versions, as the API jar's manifest exports them, for
     * {@code org.osgi.framework.system.packages.extra}.
     */
    static String apiExports() {
        // The jar (or directory) that holds the API's classes, then any manifest of the class path.
        try {
            CodeSource source = ImplementationProvider.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                Path location = Path.of(source.getLocation().toURI());
                Manifest manifest = null;
                if (Files.isRegularFile(location)) {
                    try (JarFile jar = new JarFile(location.toFile())) {
                        manifest = jar.getManifest();
                    }
                } else if (Files.isRegularFile(location.resolve("META-INF/MANIFEST.MF"))) {
                    try (InputStream in = Files.newInputStream(location.resolve("META-INF/MANIFEST.MF"))) {
                        manifest = new Manifest(in);
                    }
                }
                String exports = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
                String bsn = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
                if (exports != null && bsn != null && bsn.split(";")[0].strip().equals(API_BUNDLE)) {
                    return exports;
                }
            }
        } catch (IOException | URISyntaxException | SecurityException | IllegalArgumentException e) {
            // fall through to the scan
        }
        try {
            Enumeration<URL> manifests = BundleHost.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                URL url = manifests.nextElement();
                try (InputStream in = url.openStream()) {
                    Manifest manifest = new Manifest(in);
                    String bsn = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
                    if (bsn != null && bsn.split(";")[0].strip().equals(API_BUNDLE)) {
                        String exports = manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
                        if (exports == null || exports.isBlank()) {
                            throw new AssemblyException(url + ": the API bundle exports no package");
                        }
                        return exports;
                    }
                }
            }
        } catch (IOException e) {
            throw new AssemblyException("cannot read the manifests of the class path: " + e.getMessage(), e);
        }
        throw new AssemblyException("no " + API_BUNDLE + " manifest on the class path: the host needs the mmkit-api jar");
    }

    /** Every bundle installed, system bundle excluded, in install order. */
    public List<Bundle> bundles() {
        List<Bundle> list = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() != 0) {
                list.add(bundle);
            }
        }
        return list;
    }

    /** Where a bundle came from: {@code embedded buddy-module.jar} or the plugin's path. */
    public String source(Bundle bundle) {
        return sources.getOrDefault(bundle.getBundleId(), bundle.getLocation());
    }

    /**
     * The defaults of every installed bundle ({@code reference.conf} at the bundle's root),
     * merged in install order, unresolved. Origins read {@code bundle NAME reference.conf: LINE}.
     */
    public Config bundleDefaults() {
        Config merged = ConfigFactory.empty();
        for (Bundle bundle : bundles()) {
            URL entry = bundle.getEntry("reference.conf");
            if (entry == null) {
                continue;
            }
            String origin = "bundle " + bundle.getSymbolicName() + " reference.conf";
            try (Reader in = new InputStreamReader(entry.openStream(), StandardCharsets.UTF_8)) {
                Config defaults = ConfigFactory.parseReader(in, ConfigParseOptions.defaults().setOriginDescription(origin));
                merged = merged.withFallback(defaults);
            } catch (IOException e) {
                throw new AssemblyException(origin + ": cannot read: " + e.getMessage(), e);
            } catch (ConfigException e) {
                throw new AssemblyException("bundle " + nameOf(bundle) + " (" + source(bundle) + ") has a bad reference.conf: "
                    + e.getMessage(), e);
            }
        }
        return merged;
    }

    /**
     * Every provider registered for {@code slot}, by name. Uses the filter
     * {@code (objectClass=<provider type>)}.
     */
    public List<Implementation> implementations(Slot slot) {
        return find(slot, "(objectClass=" + slot.providerType().getName() + ")");
    }

    /**
     * The providers of {@code slot} named {@code name}, found through a service tracker
     * with the filter {@code (&(objectClass=<provider type>)(mmkit.name=<name>))}.
     */
    public List<Implementation> implementations(Slot slot, String name) {
        String filter = "(&(objectClass=" + slot.providerType().getName() + ")(" + ImplementationProvider.NAME + "="
            + escape(name) + "))";
        return find(slot, filter);
    }

    private List<Implementation> find(Slot slot, String filterText) {
        Filter filter;
        try {
            filter = FrameworkUtil.createFilter(filterText);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + filterText + ": " + e.getMessage(), e);
        }
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, filter, null);
        tracker.open();
        trackers.add(tracker);
        ServiceReference<Object>[] references = tracker.getServiceReferences();
        if (references == null) {
            return List.of();
        }
        List<ServiceReference<Object>> sorted = new ArrayList<>(List.of(references));
        Collections.sort(sorted, Collections.reverseOrder()); // highest ranking first
        List<Implementation> found = new ArrayList<>();
        for (ServiceReference<?> reference : sorted) {
            Object name = reference.getProperty(ImplementationProvider.NAME);
            Bundle bundle = reference.getBundle();
            if (name == null || bundle == null) {
                continue;
            }
            found.add(new Implementation(slot, String.valueOf(name), bundle.getSymbolicName(),
                bundle.getVersion().toString(), source(bundle), reference));
        }
        return found;
    }

    /** The provider object of an implementation; fails naming it when its component does not activate. */
    Object service(Implementation implementation) {
        Object service;
        try {
            service = context.getService(implementation.reference());
        } catch (RuntimeException e) {
            throw new AssemblyException(implementation.describe() + ": the provider cannot be activated: " + e, e);
        }
        if (service == null) {
            throw new AssemblyException(implementation.describe()
                + ": the provider cannot be activated (its component failed; Declarative Services logged why)");
        }
        if (!implementation.slot().providerType().isInstance(service)) {
            throw new AssemblyException(implementation.describe() + ": the provider is a " + service.getClass().getName()
                + " that is not the host's " + implementation.slot().providerType().getName()
                + " (does the bundle embed its own copy of the API?)");
        }
        return service;
    }

    private static String escape(String value) {
        StringBuilder s = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '(' || c == ')' || c == '*' || c == '\\') {
                s.append('\\');
            }
            s.append(c);
        }
        return s.toString();
    }

    /** Stops the framework and waits for it. */
    @Override
    public void close() {
        for (ServiceTracker<?, ?> tracker : trackers) {
            tracker.close();
        }
        trackers.clear();
        try {
            framework.stop();
            framework.waitForStop(10_000);
        } catch (BundleException e) {
            throw new AssemblyException("cannot stop the OSGi framework: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (lock != null) {
                lock.close();
                lock = null;
            }
        }
    }
}
