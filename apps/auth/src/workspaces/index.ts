export { listAudit } from '@enclavia/db';
export { adminWorkspace, adminWorkspacesOf } from './access.js';
export { WorkspaceError, workspaceNotFound } from './errors.js';
export {
  cancelInvitation,
  changeRole,
  inviteInput,
  inviteMember,
  listMembers,
  removeMember,
  roleInput,
} from './members.js';
export {
  getPolicy,
  type PolicyEffects,
  policyChange,
  policyJson,
  updatePolicy,
  type WorkspacePolicy,
} from './policy.js';
