import { useEffect } from "react";
import { apiKey } from "./api/client";
import { SignIn } from "./auth/SignIn";
import { Toasts } from "./common/Toasts";
import { ProjectsPage } from "./projects/ProjectsPage";
import { ReportPage } from "./reports/ReportPage";
import { ReportsPage } from "./reports/ReportsPage";
import { SharedReport } from "./reports/SharedReport";
import { navigate, paths, useRoute, type Route } from "./router";
import { RunPage } from "./run/RunPage";
import { WorkspacePage } from "./workspace/WorkspacePage";

/** App picks the page of the current route; pages other than shared ones need a key. */
export function App() {
  const route = useRoute();
  const needsKey = route.page !== "signin" && route.page !== "shared" && apiKey() === "";
  useEffect(() => {
    if (needsKey) navigate(paths.signin(), true);
  }, [needsKey]);
  return (
    <>
      {needsKey ? null : <Page route={route} />}
      <Toasts />
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "signin":
      return <SignIn />;
    case "projects":
      return <ProjectsPage />;
    case "workspace":
      return (
        <WorkspacePage
          key={`${route.project}/${route.user}`}
          project={route.project}
          user={route.user}
        />
      );
    case "run":
      return <RunPage project={route.project} run={route.run} />;
    case "reports":
      return <ReportsPage project={route.project} />;
    case "report":
      return <ReportPage key={route.id} project={route.project} id={route.id} edit={route.edit} />;
    case "shared":
      return <SharedReport token={route.token} />;
    case "notfound":
      return (
        <div className="center-page">
          <h1>Not found</h1>
          <p>No page at {route.path}.</p>
        </div>
      );
  }
}
