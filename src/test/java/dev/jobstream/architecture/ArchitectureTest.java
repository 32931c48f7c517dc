package dev.jobstream.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The walls of the code base, checked on the compiled classes: packages depend one way (no cycle), resources call
 * services and services call stores (never the other way, and no resource reaches a store), SQL is issued only by
 * stores and the PostgreSQL plumbing, {@code job_runs} statements are run by {@code RunStore} alone, the leaf
 * packages (the refusals, the concurrency primitive, configuration, the job SPI) depend on nothing else of ours and
 * problem+json only on the refusals it answers, the core that executes, ends, validates and sweeps runs speaks no
 * HTTP, nor does any service or store (only the edges do), callers are authenticated by the bearer mechanism alone,
 * and maintenance tasks schedule nothing themselves. Each rule was seen to fail on a deliberate violation.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.jobstream";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

    private static final DescribedPredicate<JavaClass> STORES = named("stores", "(Store|Sql)");
    private static final DescribedPredicate<JavaClass> RESOURCES = named("resources", "(Resource|Route)");
    /**
     * Where HTTP meets the services: resources and routes, request filters and guards, the bearer mechanism, the SSE
     * streams.
     */
    private static final DescribedPredicate<JavaClass> EDGES = RESOURCES.or(named(
            "request filters, guards, authentication mechanisms and SSE streams", "(Filter|Guard|Mechanism|Streams)"));
    /** Beans of ours but the stores, the resources and the PostgreSQL plumbing (which stores may use). */
    private static final DescribedPredicate<JavaClass> SERVICES = DescribedPredicate
            .<JavaClass>describe("services", c -> c.getPackageName().startsWith(ROOT + ".")
                    && !c.getPackageName().startsWith(ROOT + ".pg")
                    && (c.isAnnotatedWith(Singleton.class)
                            || c.isAnnotatedWith(jakarta.enterprise.context.ApplicationScoped.class)))
            .and(not(STORES)).and(not(RESOURCES));

    /** Classes whose top-level class's simple name ends with {@code suffix} (a regular expression). */
    private static DescribedPredicate<JavaClass> named(String description, String suffix) {
        return DescribedPredicate.describe(description,
                c -> c.getPackageName().startsWith(ROOT + ".")
                        && c.getName().replaceAll("\\$.*", "").matches(".*\\.[A-Za-z0-9]*" + suffix));
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(CLASSES);
    }

    /**
     * The runs in layers: their HTTP surface ({@code run.http}) over the service ({@code run.service}) over the store
     * ({@code run.store}), all over the run itself ({@code run}: the values and the state machine), which knows none of
     * them. Other packages may use the service, the store and the run; nothing but the HTTP surface is above it.
     */
    @Test
    void theRunsAreLayeredHttpOverServiceOverStore() {
        com.tngtech.archunit.library.Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("http").definedBy(ROOT + ".run.http..")
                .layer("service").definedBy(ROOT + ".run.service..")
                .layer("store").definedBy(ROOT + ".run.store..")
                .layer("run").definedBy(ROOT + ".run")
                .whereLayer("http").mayNotBeAccessedByAnyLayer()
                .whereLayer("service").mayOnlyBeAccessedByLayers("http")
                .whereLayer("store").mayOnlyBeAccessedByLayers("service")
                .check(CLASSES);
    }

    /** The run itself knows no SQL: how a row becomes a run is its store's business (one SQL home per table). */
    @Test
    void theRunKnowsNoSql() {
        noClasses().that().resideInAPackage(ROOT + ".run")
                .should().dependOnClassesThat()
                .resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.mutiny.sqlclient..")
                .because("a row of job_runs becomes a Run in run/store").check(CLASSES);
    }

    @Test
    void storesDependOnNoServiceOrResource() {
        noClasses().that(STORES).should().dependOnClassesThat(SERVICES.or(RESOURCES)).check(CLASSES);
    }

    @Test
    void servicesDependOnNoResource() {
        noClasses().that(SERVICES).should().dependOnClassesThat(RESOURCES).check(CLASSES);
    }

    @Test
    void resourcesReachStoresOnlyThroughServices() {
        noClasses().that(RESOURCES).should().dependOnClassesThat(STORES).check(CLASSES);
    }

    @Test
    void onlyStoresAndThePostgresPlumbingIssueSql() {
        noClasses().that(not(STORES)).and().resideOutsideOfPackage(ROOT + ".pg..")
                .should().callMethodWhere(target(owner(DescribedPredicate.<JavaClass>describe("a SQL client",
                        c -> c.isAssignableTo(SqlClient.class)
                                || c.isAssignableTo(io.vertx.sqlclient.SqlClient.class))))
                        .and(target(nameMatching("preparedQuery|query|preparedBatch"))))
                .because("each table has one SQL home, its store").check(CLASSES);
    }

    @Test
    void runStatementsAreRunByTheRunStoreAlone() {
        classes().that().haveSimpleName("RunSql").should().onlyBeAccessed()
                .byClassesThat().haveSimpleNameStartingWith("RunS").check(CLASSES);
    }

    @Test
    void enginesAndWorkersAreSiblingsOnTheAttemptCore() {
        noClasses().that().resideInAPackage(ROOT + ".engine..").should().dependOnClassesThat()
                .resideInAPackage(ROOT + ".worker..").check(CLASSES);
        noClasses().that().resideInAPackage(ROOT + ".worker..").should().dependOnClassesThat()
                .resideInAPackage(ROOT + ".engine..").because("both end attempts through the attempt core")
                .check(CLASSES);
    }

    @Test
    void maintenanceTasksAreRunByTheOneLoopAndScheduleNothingThemselves() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods().that().areDeclaredInClassesThat()
                .implement(dev.jobstream.sweep.MaintenanceTask.class)
                .should().beAnnotatedWith(io.quarkus.scheduler.Scheduled.class)
                .because("the sweeper runs every maintenance task, each sweep, one after another").check(CLASSES);
    }

    /**
     * The core that executes, ends, validates and sweeps runs speaks no HTTP: no problem+json exception, no JAX-RS.
     * It answers outcomes, violations or refusals, which the edges (resources, the problem mapper) turn into HTTP.
     * No class of these packages is an edge either; in the packages that hold both (run, worker, …), the next rule
     * keeps HTTP to the edges.
     */
    @Test
    void theCoreSpeaksNoHttp() {
        noClasses().that().resideInAnyPackage(ROOT + ".attempt..", ROOT + ".engine..", ROOT + ".job..",
                ROOT + ".params..", ROOT + ".sweep..", ROOT + ".pg..", ROOT + ".spi..", ROOT + ".concurrent..",
                ROOT + ".config..", ROOT + ".trace..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".problem..", "jakarta.ws.rs..")
                .because("HTTP is the edges' business").check(CLASSES);
    }

    /**
     * A request's caller is made in one place: the bearer mechanism of {@code auth} and its identity providers.
     * Everything else asks {@code Caller} (or reads its {@code @RolesAllowed}) and never looks at a token.
     */
    @Test
    void callersAreAuthenticatedByTheBearerMechanismAlone() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".auth..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus.security.identity..",
                        "io.quarkus.security.credential..", "io.quarkus.vertx.http.runtime.security..",
                        "io.smallrye.jwt..", "org.eclipse.microprofile.jwt..")
                .because("tokens are read by auth's BearerMechanism and its identity providers alone").check(CLASSES);
    }

    /**
     * Services and stores speak no HTTP, nor the values and checks they are made of: they answer outcomes or throw
     * refusals ({@code dev.jobstream.refusal}), which the problem mapper and the routes turn into problem+json.
     * Statuses, titles and headers are the edges' alone: problem+json itself, resources and routes, request filters
     * and guards, the bearer mechanism, the SSE streams, and auth's answers to a caller refused and its reading of the
     * caller from the request (auth's other beans are held to this all the same).
     */
    @Test
    void onlyTheEdgesSpeakHttp() {
        noClasses().that(DescribedPredicate.<JavaClass>describe("services, stores and what they are made of",
                c -> !EDGES.test(c) && !c.getPackageName().startsWith(ROOT + ".problem")
                        && (SERVICES.test(c) || !c.getPackageName().startsWith(ROOT + ".auth"))))
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".problem..", "jakarta.ws.rs..")
                .because("services refuse in the domain's words; the edges answer in HTTP").check(CLASSES);
    }

    @Test
    void leafPackagesDependOnNothingElseOfOurs() {
        for (String leaf : new String[]{"refusal", "concurrent", "config", "spi"}) {
            dependsOnNothingOfOursBut(leaf, leaf);
        }
        // problem+json answers the refusals, and knows nothing else of ours
        dependsOnNothingOfOursBut("problem", "problem", "refusal");
    }

    private static void dependsOnNothingOfOursBut(String leaf, String... allowed) {
        String packages = "(" + String.join("|", allowed) + ")";
        noClasses().that().resideInAPackage(ROOT + "." + leaf + "..")
                .should().dependOnClassesThat(DescribedPredicate.<JavaClass>describe("other packages of ours",
                        c -> c.getPackageName().startsWith(ROOT + ".") && !c.getPackageName()
                                .matches(ROOT.replace(".", "\\.") + "\\." + packages + "(\\..*)?")))
                .check(CLASSES);
    }

    @Test
    void thePostgresPlumbingDependsOnlyOnLeaves() {
        classes().that().resideInAPackage(ROOT + ".pg..").should().onlyDependOnClassesThat(
                DescribedPredicate.<JavaClass>describe("outside ours, or pg, config, concurrent",
                        c -> !c.getPackageName().startsWith(ROOT + ".")
                                || c.getPackageName()
                                        .matches(ROOT.replace(".", "\\.") + "\\.(pg|config|concurrent)(\\..*)?")))
                .check(CLASSES);
    }
}
