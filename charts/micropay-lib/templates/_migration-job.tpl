{{/*
Schema migrations as a pre-install/pre-upgrade hook: the Job runs (and must succeed) before any
new pod starts, and the pods skip migrating (MIGRATE_ON_START=false in the ConfigMap). Hooks run
before the release's own objects exist, so the Job carries its configuration inline rather than
from the chart's ConfigMap, and runs under an existing ServiceAccount (`migration.serviceAccountName`)
rather than the one the chart creates. The Secrets it reads exist beforehand by design.
*/}}
{{- define "micropay-lib.migrationJob" -}}
{{- if .Values.migration.enabled }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "micropay-lib.fullname" . }}-migrate
  labels:
    {{- include "micropay-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: migration
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: {{ .Values.migration.hookWeight | quote }}
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .Values.migration.backoffLimit }}
  activeDeadlineSeconds: {{ .Values.migration.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        # Not the Service's selector labels: a migration pod must never receive traffic.
        app.kubernetes.io/name: {{ include "micropay-lib.name" . }}-migrate
        app.kubernetes.io/instance: {{ .Release.Name }}
        app.kubernetes.io/component: migration
    spec:
      restartPolicy: Never
      serviceAccountName: {{ .Values.migration.serviceAccountName }}
      automountServiceAccountToken: false
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- include "micropay-lib.podSecurityContext" . | nindent 8 }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ include "micropay-lib.image" . }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          args: ["dist/migrate.js"]
          {{- with (include "micropay-lib.envFrom" .) }}
          envFrom:
            {{- . | nindent 12 }}
          {{- end }}
          env:
            {{- range $key, $value := (include "micropay-lib.configData" . | fromYaml) }}
            - name: {{ $key }}
              value: {{ $value | toString | quote }}
            {{- end }}
            {{- include "micropay-lib.secretEnv" . | nindent 12 }}
            {{- with .Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          resources:
            {{- toYaml .Values.migration.resources | nindent 12 }}
          securityContext:
            {{- include "micropay-lib.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}
{{- end }}
