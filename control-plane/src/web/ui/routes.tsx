import type { JSX } from 'preact';
import type { Role } from './api/types.js';
import type { MessageKey } from './i18n/i18n.js';
import { AccountsPage } from './pages/admin/accounts.js';
import { NewAccountPage } from './pages/admin/new-account.js';
import { ProfilesPage } from './pages/admin/profiles.js';
import { TemplatesPage } from './pages/admin/templates.js';
import { ApplyPage } from './pages/apply/apply-page.js';
import { CatalogPage } from './pages/catalog/catalog-page.js';
import { HomePage } from './pages/home.js';
import { LogPage } from './pages/log/log-page.js';
import { LoginPage } from './pages/login.js';
import { MyProjectsPage } from './pages/projects/my-projects.js';
import { ProjectPage } from './pages/projects/project-page.js';
import { RegisterPage } from './pages/register/register-page.js';
import { RegisterProjectPage } from './pages/register/register-project-page.js';
import { ReleasePage } from './pages/releases/release-page.js';
import { ReviewQueuePage } from './pages/releases/review-queue.js';
import { StewardCatalogPage } from './pages/steward/catalog-sources.js';
import { DecisionPage } from './pages/steward/decision-page.js';
import { StewardQueuePage } from './pages/steward/queue.js';
import { SourceEditorPage } from './pages/steward/source-editor.js';
import { WorkspacesPage } from './pages/workspaces/workspaces-page.js';

export interface PageRoute {
  path: string;
  render: (params: Record<string, string>) => JSX.Element;
  /** Who may open the page; everyone when absent. The API enforces the same rule on the data. */
  roles?: readonly Role[];
  /** The label of the page's entry in the main navigation, if it has one. */
  nav?: MessageKey;
}

/**
 * Every page of the application, in navigation order. A later capability (extracts, workspaces,
 * release reviews, the log) replaces its "coming later" row with its page.
 */
export const ROUTES: readonly PageRoute[] = [
  { path: '/', render: () => <HomePage /> },
  { path: '/catalog', render: () => <CatalogPage />, nav: 'nav.catalog' },
  { path: '/register', render: () => <RegisterPage />, nav: 'nav.register' },
  { path: '/register/:id', render: (p) => <RegisterProjectPage id={p.id as string} /> },
  { path: '/log', render: () => <LogPage />, nav: 'nav.log' },
  { path: '/apply', render: () => <ApplyPage />, roles: ['researcher'], nav: 'nav.apply' },
  { path: '/projects', render: () => <MyProjectsPage />, roles: ['researcher'], nav: 'nav.projects' },
  {
    path: '/projects/:id',
    render: (p) => <ProjectPage id={p.id as string} />,
    roles: ['researcher', 'admin'],
  },
  {
    path: '/projects/:id/edit',
    render: (p) => <ApplyPage draftId={p.id as string} />,
    roles: ['researcher'],
  },
  {
    path: '/workspaces',
    render: () => <WorkspacesPage />,
    roles: ['researcher'],
    nav: 'nav.workspaces',
  },
  { path: '/steward', render: () => <StewardQueuePage />, roles: ['steward'], nav: 'nav.steward' },
  {
    path: '/steward/catalog',
    render: () => <StewardCatalogPage />,
    roles: ['steward'],
    nav: 'nav.stewardCatalog',
  },
  {
    path: '/steward/catalog/:id',
    render: (p) => <SourceEditorPage id={p.id as string} />,
    roles: ['steward'],
  },
  { path: '/steward/:id', render: (p) => <DecisionPage id={p.id as string} />, roles: ['steward'] },
  { path: '/reviews', render: () => <ReviewQueuePage />, roles: ['reviewer'], nav: 'nav.reviews' },
  {
    path: '/releases/:id',
    render: (p) => <ReleasePage id={p.id as string} />,
    roles: ['researcher', 'reviewer', 'admin'],
  },
  { path: '/admin/accounts', render: () => <AccountsPage />, roles: ['admin'], nav: 'nav.accounts' },
  { path: '/admin/accounts/new', render: () => <NewAccountPage />, roles: ['admin'] },
  { path: '/admin/templates', render: () => <TemplatesPage />, roles: ['admin'], nav: 'nav.templates' },
  { path: '/admin/profiles', render: () => <ProfilesPage />, roles: ['admin'], nav: 'nav.profiles' },
  { path: '/login', render: () => <LoginPage /> },
];
